import Foundation

/// Quality metrics of one batch of summaries (`shop-summary eval`), as JSON and as an HTML
/// section the run report can embed.
public struct EvalReport: Sendable, Codable, Hashable {
    /// Summaries produced vs shops.
    public struct Coverage: Sendable, Codable, Hashable {
        public var shops: Int
        public var summaries: Int
        public var failures: Int
        /// summaries / shops.
        public var rate: Double
        /// Per category: shops, summaries, failures.
        public var perCategory: [String: [String: Int]]
    }

    /// Summary length distribution in characters.
    public struct LengthStats: Sendable, Codable, Hashable {
        public var min: Int
        public var p10: Int
        public var median: Int
        public var p90: Int
        public var max: Int
        public var mean: Double
        /// Mean length per category.
        public var meanPerCategory: [String: Double]
        /// Summaries outside their category's bounds.
        public var outOfBounds: Int
    }

    /// Guardrail results over the final summaries.
    public struct Violations: Sendable, Codable, Hashable {
        /// Summaries with at least one violation.
        public var summariesWithAny: Int
        /// Summaries with at least one violation of each kind (kind raw value → count).
        public var byKind: [String: Int]
        /// Same, for first attempts (in-process mode; before the guarded retry).
        public var firstAttemptByKind: [String: Int]
        /// Shops whose first attempt failed validation and were regenerated.
        public var retried: Int
        /// Shops recorded as failures after the retry.
        public var failedAfterRetry: Int
        /// Summaries with an unsupported number.
        public var unsupportedNumberSummaries: Int
        /// Summaries with a phone number, URL or e-mail.
        public var contactSummaries: Int
        /// Up to 20 examples of violations (`shop_id: kind: detail`).
        public var samples: [String]
    }

    /// Near-duplicate summaries across shops.
    public struct NearDuplicates: Sendable, Codable, Hashable {
        /// Jaccard threshold on character 3-gram sets.
        public var threshold: Double
        /// Pairs at or above the threshold.
        public var pairs: Int
        /// Summaries in at least one pair.
        public var summariesInvolved: Int
        /// summariesInvolved / summaries.
        public var rate: Double
        /// Most similar pairs (`shop_a ~ shop_b: similarity`).
        public var top: [String]
    }

    /// How the retrieved examples relate to the shops.
    public struct ExampleUse: Sendable, Codable, Hashable {
        /// Examples retrieved in total.
        public var retrieved: Int
        /// Of those, examples of the shop's own category.
        public var sameCategory: Int
        /// sameCategory / retrieved.
        public var categoryAgreement: Double
        /// Shops whose category had no examples (fallback across categories).
        public var fallbackSelections: Int
        /// Summaries with a sentence copied from any example.
        public var copyingSummaries: Int
        /// copyingSummaries / summaries.
        public var copyRate: Double
    }

    /// Targets of issue 8 and whether they hold.
    public struct Acceptance: Sendable, Codable, Hashable {
        public var zeroUnsupportedNumbers: Bool
        public var zeroContactDetails: Bool
        public var nearDuplicateRateBelow2Percent: Bool
        public var categoryAgreementAtLeast95Percent: Bool
        /// All of the above.
        public var passed: Bool
    }

    public var generatedAt: String
    public var input: String
    /// `in-process` (eval generated the summaries) or `run-dir` (read an existing run).
    public var mode: String
    public var generator: String
    public var embedder: String
    public var promptVersions: [String: String]
    public var skippedRows: Int
    public var coverage: Coverage
    public var length: LengthStats
    public var violations: Violations
    public var nearDuplicates: NearDuplicates
    public var examples: ExampleUse
    public var acceptance: Acceptance
    public var durationSeconds: Double

    /// Pretty, key-sorted JSON.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// An HTML `<section>` for the run report (escaped, no scripts, no external resources).
    public func htmlSection() -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        func pct(_ x: Double) -> String { String(format: "%.2f %%", x * 100) }
        func row(_ k: String, _ v: String, ok: Bool? = nil) -> String {
            let mark = ok.map { $0 ? " class=\"ok\"" : " class=\"bad\"" } ?? ""
            return "<tr\(mark)><th>\(esc(k))</th><td>\(esc(v))</td></tr>"
        }
        var rows: [String] = [
            row("summaries / shops", "\(coverage.summaries) / \(coverage.shops) (\(pct(coverage.rate)))"),
            row("failures", "\(coverage.failures)"),
            row("length min / p10 / median / p90 / max", "\(length.min) / \(length.p10) / \(length.median) / \(length.p90) / \(length.max)"),
            row("summaries with unsupported numbers", "\(violations.unsupportedNumberSummaries)", ok: acceptance.zeroUnsupportedNumbers),
            row("summaries with phone / URL / e-mail", "\(violations.contactSummaries)", ok: acceptance.zeroContactDetails),
            row("near-duplicate rate (3-gram Jaccard ≥ \(nearDuplicates.threshold))", pct(nearDuplicates.rate), ok: acceptance.nearDuplicateRateBelow2Percent),
            row("example copy rate", pct(examples.copyRate)),
            row("retrieved examples from the shop's category", pct(examples.categoryAgreement), ok: acceptance.categoryAgreementAtLeast95Percent),
            row("cross-category fallbacks", "\(examples.fallbackSelections)"),
            row("retried / failed after retry", "\(violations.retried) / \(violations.failedAfterRetry)"),
        ]
        for (kind, count) in violations.byKind.sorted(by: { $0.key < $1.key }) { rows.append(row("violations: \(kind)", "\(count)")) }
        return """
        <section id="quality"><h2>Summary quality</h2>
        <p>generator \(esc(generator)), embedder \(esc(embedder)), mode \(esc(mode)); acceptance \(acceptance.passed ? "passed" : "FAILED")</p>
        <table>\(rows.joined())</table></section>
        """
    }
}
