import Foundation
import Providers

/// Generate → validate → on failure regenerate once with the reasons appended → else a failure
/// with the reasons. The pipeline calls this for every shop, whatever the generator.
public struct GuardedGeneration: Sendable {
    /// What happened for one shop.
    public struct Outcome: Sendable {
        /// The accepted result, or `nil` when both attempts failed validation.
        public var result: GenerationResult?
        /// Generation calls made (1 or 2).
        public var attempts: Int
        /// Violations of the first attempt (empty when it passed).
        public var firstViolations: [SummaryViolation]
        /// Violations of the final attempt (empty on success).
        public var violations: [SummaryViolation]
        /// Token usage of every attempt.
        public var usage: TokenUsage

        /// Whether a valid summary was produced.
        public var succeeded: Bool { result != nil }
        /// One-line reason for a failure row (`unsupported_number: 3만원 (not in the input); …`).
        public var failureReason: String { violations.map(\.description).joined(separator: "; ") }
    }

    /// The generator used.
    public let generator: any Generator
    /// The validator used.
    public let validator: SummaryValidator

    /// Creates a guard around `generator`.
    public init(generator: any Generator, validator: SummaryValidator = SummaryValidator()) {
        self.generator = generator
        self.validator = validator
    }

    /// Runs the guarded generation for one shop.
    /// - Throws: whatever the generator throws (transport, quota …); validation failures are not
    ///   thrown but returned in the outcome.
    public func run(_ request: GenerationRequest, shop: Shop, category: ShopCategory,
                    examples: [ExampleSummary]) async throws -> Outcome {
        let first = try await generator.generate(request)
        let firstViolations = validator.validate(first.output, shop: shop, category: category, examples: examples)
        if firstViolations.isEmpty {
            return Outcome(result: first, attempts: 1, firstViolations: [], violations: [], usage: first.usage)
        }
        let retry = Self.retryRequest(request, violations: firstViolations)
        let second = try await generator.generate(retry)
        let usage = first.usage + second.usage
        let secondViolations = validator.validate(second.output, shop: shop, category: category, examples: examples)
        if secondViolations.isEmpty {
            return Outcome(result: second, attempts: 2, firstViolations: firstViolations, violations: [], usage: usage)
        }
        return Outcome(result: nil, attempts: 2, firstViolations: firstViolations, violations: secondViolations, usage: usage)
    }

    /// The retry request: the reasons appended to the prompt (for LLMs) and, for generators that
    /// read the context, review sentences holding the offending text removed.
    public static func retryRequest(_ request: GenerationRequest, violations: [SummaryViolation]) -> GenerationRequest {
        var retry = request
        let reasons = violations.map { "- \($0.kind.rawValue): \($0.detail)" }.joined(separator: "\n")
        retry.prompt += "\n\n이전 답변이 다음 규칙을 어겨 거부되었습니다. 규칙을 지켜 다시 작성하세요 (The previous answer was rejected for these reasons; fix them):\n" + reasons
        retry.temperature = max(0, request.temperature - 0.1)
        let offending = violations.compactMap { v -> String? in
            switch v.kind {
            case .unsupportedNumber: v.detail.components(separatedBy: " (").first
            case .phoneNumber, .email, .url, .personalHandle, .reviewerName: v.detail
            default: nil
            }
        }.filter { !$0.isEmpty }
        if !offending.isEmpty {
            retry.context.reviews = request.context.reviews.map { review in
                ExtractiveSentences.split(review).filter { s in !offending.contains(where: { s.contains($0) }) }
                    .joined(separator: ". ")
            }
        }
        return retry
    }
}
