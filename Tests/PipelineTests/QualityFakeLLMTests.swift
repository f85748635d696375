import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Pipeline
import Providers
import Testing

/// Guardrails against a real HTTP generator: the loopback fake LLM server
/// (`tests/services/start-fake-llm.sh`) returns deliberately bad summaries (fault modes
/// `number`, `phone`, `copy`); each must be caught, retried once and reported.
// Skipped visibly when SHOP_SUMMARY_TEST_LLM_URL is not set (scripts/test.sh starts the server).
@Suite("Quality: bad summaries from the fake LLM server",
       .enabled(if: ProcessInfo.processInfo.environment["SHOP_SUMMARY_TEST_LLM_URL"] != nil, "needs SHOP_SUMMARY_TEST_LLM_URL"))
struct QualityFakeLLMTests {
    static let env = ProcessInfo.processInfo.environment
    static var root: String { env["SHOP_SUMMARY_TEST_LLM_URL"] ?? "http://127.0.0.1:9" }

    static func setFaults(model: String, script: [String]) async throws {
        var request = URLRequest(url: URL(string: root + "/_faults")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["model": model, "script": script])
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }

    static func generator(model: String) throws -> any Generator {
        var configuration = ProviderConfiguration()
        configuration.llm = "gemini"
        configuration.model = model
        configuration.geminiBaseURL = root
        configuration.maxAttempts = 2
        let key = env["SHOP_SUMMARY_TEST_GEMINI_API_KEY"] ?? "test-gemini-key-0123456789"
        return try ProviderFactory.make(configuration: configuration, environment: ["GEMINI_API_KEY": key],
                                        offlineGenerator: OfflineGenerator()).generator
    }

    static func run(fault: String) async throws -> (GuardedGeneration.Outcome, EvaluatedSummary) {
        let model = "quality-\(fault)-\(UUID().uuidString.prefix(8).lowercased())"
        try await setFaults(model: model, script: [fault, fault])
        let shop = QualityValidatorTests.koreanShop()
        let examples = try QualityFixtures.sampleExamples().filter { $0.category == .fineDining }.prefix(3).map { $0 }
        let request = try PromptBuilder(configuration: .init(directory: QualityFixtures.promptsDirectory))
            .build(shop: shop, category: .fineDining, examples: examples)
        let outcome = try await GuardedGeneration(generator: try generator(model: model))
            .run(request, shop: shop, category: .fineDining, examples: examples)
        let item = EvaluatedSummary(shop: shop, category: .fineDining, output: outcome.result?.output,
                                    failureReason: outcome.succeeded ? nil : outcome.failureReason,
                                    examples: examples, attempts: outcome.attempts, firstViolations: outcome.firstViolations)
        return (outcome, item)
    }

    @Test(arguments: [("number", SummaryViolation.Kind.unsupportedNumber), ("phone", .phoneNumber), ("copy", .copiedExample)])
    func badSummaryIsCaughtRetriedAndReported(fault: String, kind: SummaryViolation.Kind) async throws {
        let (outcome, _) = try await Self.run(fault: fault)
        #expect(!outcome.succeeded, "fault \(fault) slipped through")
        #expect(outcome.attempts == 2)
        #expect(outcome.firstViolations.map(\.kind).contains(kind), "\(outcome.firstViolations)")
        #expect(outcome.violations.map(\.kind).contains(kind))
        #expect(outcome.failureReason.contains(kind.rawValue))
    }

    @Test func evalReportCountsEveryBadSummary() async throws {
        var items: [EvaluatedSummary] = []
        for fault in ["number", "phone", "copy"] { items.append(try await Self.run(fault: fault).1) }
        let report = SummaryEvaluator().evaluate(items, allExamples: try QualityFixtures.sampleExamples(),
                                                 info: QualityEvaluatorTests.info())
        #expect(report.coverage.failures == 3)
        #expect(report.violations.failedAfterRetry == 3)
        #expect(report.violations.firstAttemptByKind["unsupported_number"] ?? 0 >= 1)
        #expect(report.violations.firstAttemptByKind["phone_number"] ?? 0 >= 1)
        #expect(report.violations.firstAttemptByKind["copied_example"] ?? 0 >= 1)
    }
}
