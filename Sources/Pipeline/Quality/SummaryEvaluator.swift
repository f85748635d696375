import Foundation
import Providers

/// Computes an ``EvalReport`` from evaluated summaries: coverage, lengths, guardrail violations
/// by kind (re-validated against every known example), near-duplicates across shops, example
/// copying and the category agreement of retrieved examples.
public struct SummaryEvaluator: Sendable {
    /// Validator used to re-check every summary.
    public var validator: SummaryValidator
    /// Near-duplicate detector.
    public var nearDuplicates: NearDuplicateDetector

    /// Creates an evaluator.
    public init(validator: SummaryValidator = SummaryValidator(), nearDuplicates: NearDuplicateDetector = NearDuplicateDetector()) {
        self.validator = validator
        self.nearDuplicates = nearDuplicates
    }

    /// Descriptive fields of the report that the evaluator cannot know.
    public struct RunInfo: Sendable {
        public var input: String
        public var mode: String
        public var generator: String
        public var embedder: String
        public var promptVersions: [String: String]
        public var skippedRows: Int
        public var durationSeconds: Double
        /// Creates run info.
        public init(input: String, mode: String, generator: String, embedder: String,
                    promptVersions: [String: String], skippedRows: Int, durationSeconds: Double) {
            self.input = input
            self.mode = mode
            self.generator = generator
            self.embedder = embedder
            self.promptVersions = promptVersions
            self.skippedRows = skippedRows
            self.durationSeconds = durationSeconds
        }
    }

    /// Evaluates `items`; `allExamples` are every curated example (for the copy check).
    public func evaluate(_ items: [EvaluatedSummary], allExamples: [ExampleSummary], info: RunInfo,
                         now: Date = Date()) -> EvalReport {
        let produced = items.filter { $0.output != nil }
        var perCategory: [String: [String: Int]] = [:]
        for item in items {
            let key = item.category.rawValue
            perCategory[key, default: ["shops": 0, "summaries": 0, "failures": 0]]["shops", default: 0] += 1
            perCategory[key, default: [:]][item.output == nil ? "failures" : "summaries", default: 0] += 1
        }
        let coverage = EvalReport.Coverage(shops: items.count, summaries: produced.count, failures: items.count - produced.count,
                                           rate: items.isEmpty ? 0 : Double(produced.count) / Double(items.count),
                                           perCategory: perCategory)

        // Violations (final outputs, against the retrieved and all known examples).
        var byKind: [String: Int] = [:]
        var firstByKind: [String: Int] = [:]
        var withAny = 0, unsupported = 0, contact = 0, copying = 0, outOfBounds = 0
        var samples: [String] = []
        for item in items {
            for kind in Set(item.firstViolations.map(\.kind)) { firstByKind[kind.rawValue, default: 0] += 1 }
            guard let output = item.output else { continue }
            let known = Array(Set(item.examples + allExamples))
            let violations = validator.validate(output, shop: item.shop, category: item.category, examples: known)
            let kinds = Set(violations.map(\.kind))
            if !kinds.isEmpty { withAny += 1 }
            for kind in kinds { byKind[kind.rawValue, default: 0] += 1 }
            if kinds.contains(.unsupportedNumber) { unsupported += 1 }
            if !kinds.isDisjoint(with: [.phoneNumber, .url, .email]) { contact += 1 }
            if kinds.contains(.copiedExample) { copying += 1 }
            if kinds.contains(.length) { outOfBounds += 1 }
            for v in violations where samples.count < 20 { samples.append("\(item.shop.id): \(v)") }
        }
        let violations = EvalReport.Violations(
            summariesWithAny: withAny, byKind: byKind, firstAttemptByKind: firstByKind,
            retried: items.filter { $0.attempts > 1 }.count,
            failedAfterRetry: items.filter { $0.output == nil && $0.attempts > 1 }.count,
            unsupportedNumberSummaries: unsupported, contactSummaries: contact, samples: samples)

        // Lengths.
        let lengths = produced.compactMap { $0.output?.summary.count }.sorted()
        func percentile(_ p: Double) -> Int {
            lengths.isEmpty ? 0 : lengths[min(lengths.count - 1, Int(Double(lengths.count - 1) * p + 0.5))]
        }
        var meanPerCategory: [String: Double] = [:]
        for category in ShopCategory.allCases {
            let ls = produced.filter { $0.category == category }.compactMap { $0.output?.summary.count }
            if !ls.isEmpty { meanPerCategory[category.rawValue] = Double(ls.reduce(0, +)) / Double(ls.count) }
        }
        let length = EvalReport.LengthStats(
            min: lengths.first ?? 0, p10: percentile(0.1), median: percentile(0.5), p90: percentile(0.9), max: lengths.last ?? 0,
            mean: lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count),
            meanPerCategory: meanPerCategory, outOfBounds: outOfBounds)

        // Near-duplicates across shops.
        let texts = produced.map { $0.output?.summary ?? "" }
        let pairs = nearDuplicates.pairs(in: texts)
        var involved = Set<Int>()
        for p in pairs { involved.insert(p.first); involved.insert(p.second) }
        let near = EvalReport.NearDuplicates(
            threshold: nearDuplicates.threshold, pairs: pairs.count, summariesInvolved: involved.count,
            rate: texts.isEmpty ? 0 : Double(involved.count) / Double(texts.count),
            top: pairs.prefix(5).map { "\(produced[$0.first].shop.id) ~ \(produced[$0.second].shop.id): \(String(format: "%.3f", $0.similarity))" })

        // Retrieved examples.
        let retrieved = items.reduce(0) { $0 + $1.examples.count }
        let same = items.reduce(0) { total, item in total + item.examples.filter { $0.category == item.category }.count }
        let exampleUse = EvalReport.ExampleUse(
            retrieved: retrieved, sameCategory: same,
            categoryAgreement: retrieved == 0 ? 0 : Double(same) / Double(retrieved),
            fallbackSelections: items.filter(\.usedFallback).count,
            copyingSummaries: copying, copyRate: produced.isEmpty ? 0 : Double(copying) / Double(produced.count))

        let acceptance = EvalReport.Acceptance(
            zeroUnsupportedNumbers: unsupported == 0, zeroContactDetails: contact == 0,
            nearDuplicateRateBelow2Percent: near.rate < 0.02, categoryAgreementAtLeast95Percent: exampleUse.categoryAgreement >= 0.95,
            passed: unsupported == 0 && contact == 0 && near.rate < 0.02 && exampleUse.categoryAgreement >= 0.95)
        let formatter = ISO8601DateFormatter()
        return EvalReport(generatedAt: formatter.string(from: now), input: info.input, mode: info.mode,
                          generator: info.generator, embedder: info.embedder, promptVersions: info.promptVersions,
                          skippedRows: info.skippedRows, coverage: coverage, length: length, violations: violations,
                          nearDuplicates: near, examples: exampleUse, acceptance: acceptance,
                          durationSeconds: info.durationSeconds)
    }
}
