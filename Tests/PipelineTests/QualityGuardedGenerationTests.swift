import Foundation
import Pipeline
import Providers
import Synchronization
import Testing

/// Generate → validate → retry once with reasons → failure with reasons.
@Suite("Quality: guarded generation")
struct QualityGuardedGenerationTests {
    /// Returns the scripted summaries in order and records the prompts it was given.
    final class ScriptedGenerator: Generator {
        let descriptor = GeneratorDescriptor(provider: "test", model: "scripted")
        let script: [String]
        let prompts = Mutex<[String]>([])

        init(_ script: [String]) { self.script = script }

        func generate(_ request: GenerationRequest) async throws -> GenerationResult {
            let index = prompts.withLock { p in p.append(request.prompt); return p.count - 1 }
            let summary = script[min(index, script.count - 1)]
            return GenerationResult(output: SummaryOutput(summary: summary), rawText: summary,
                                    usage: TokenUsage(promptTokens: 10, outputTokens: 5), finishReason: "STOP", model: "scripted")
        }
    }

    let shop = QualityValidatorTests.koreanShop()
    let good = "스시 하나는 서울 강남구의 미쉐린 가이드 1스타 오마카세로, 디너 오마카세는 1인 15만원이다. 숙성 광어와 우니가 훌륭하다는 평이 많고, 카운터 8석이라 예약을 서둘러야 한다."
    let badNumber = "스시 하나는 서울 강남구의 오마카세로, 디너 오마카세는 1인 30만원이다. 숙성 광어와 우니가 훌륭하다는 평이 많고 예약이 어렵다는 후기가 이어진다."

    func request() throws -> GenerationRequest {
        try PromptBuilder(configuration: .init(directory: QualityFixtures.promptsDirectory))
            .build(shop: shop, category: .fineDining, examples: QualityValidatorTests.examples)
    }

    @Test func passesOnTheFirstAttempt() async throws {
        let generator = ScriptedGenerator([good])
        let outcome = try await GuardedGeneration(generator: generator)
            .run(try request(), shop: shop, category: .fineDining, examples: QualityValidatorTests.examples)
        #expect(outcome.succeeded && outcome.attempts == 1 && outcome.firstViolations.isEmpty)
        #expect(outcome.usage.totalTokens == 15)
    }

    @Test func regeneratesOnceWithTheReasons() async throws {
        let generator = ScriptedGenerator([badNumber, good])
        let outcome = try await GuardedGeneration(generator: generator)
            .run(try request(), shop: shop, category: .fineDining, examples: QualityValidatorTests.examples)
        #expect(outcome.succeeded && outcome.attempts == 2)
        #expect(outcome.firstViolations.map(\.kind) == [.unsupportedNumber])
        #expect(outcome.usage.totalTokens == 30)
        let prompts = generator.prompts.withLock { $0 }
        #expect(prompts.count == 2)
        #expect(prompts[1].contains("unsupported_number: 30만"))
        #expect(!prompts[0].contains("unsupported_number"))
    }

    @Test func recordsAFailureWithReasonsAfterTheRetry() async throws {
        let phone = good + " 예약은 010-1234-5678로 하면 된다."
        let generator = ScriptedGenerator([badNumber, phone])
        let outcome = try await GuardedGeneration(generator: generator)
            .run(try request(), shop: shop, category: .fineDining, examples: QualityValidatorTests.examples)
        #expect(!outcome.succeeded && outcome.attempts == 2 && outcome.result == nil)
        #expect(outcome.violations.map(\.kind).contains(.phoneNumber))
        #expect(outcome.failureReason.contains("phone_number: 010-1234-5678"))
        #expect(generator.prompts.withLock { $0.count } == 2)
    }

    @Test func retryRemovesOffendingReviewSentencesForContextReaders() throws {
        var request = try request()
        request.context.reviews.append("연락처는 010-9999-0000이에요. 셰프님이 친절해요.")
        let retry = GuardedGeneration.retryRequest(request, violations: [SummaryViolation(kind: .phoneNumber, detail: "010-9999-0000")])
        #expect(!retry.context.reviews.joined().contains("010-9999-0000"))
        #expect(retry.context.reviews.joined().contains("셰프님이 친절해요"))
        #expect(retry.temperature < request.temperature)
    }
}
