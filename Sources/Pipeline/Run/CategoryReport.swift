import Foundation
import Providers

/// What one `generate` of a category (or shard) did; written to `reports/<category>[.shard].json`
/// and combined into `report.json`. Keys are snake_case (docs/modules/pipeline.md).
public struct CategoryReport: Sendable, Codable, Hashable {
    /// A failed shop and why.
    public struct Failure: Sendable, Codable, Hashable {
        public var shopID: String
        public var reason: String
        enum CodingKeys: String, CodingKey {
            case shopID = "shop_id"
            case reason
        }
    }

    /// Latency percentiles of this run's shops.
    public struct Latency: Sendable, Codable, Hashable {
        public var p50MS: Int
        public var p95MS: Int
        public var maxMS: Int
        enum CodingKeys: String, CodingKey {
            case p50MS = "p50_ms"
            case p95MS = "p95_ms"
            case maxMS = "max_ms"
        }
    }

    public var runID: String
    public var category: String
    public var shard: String
    public var startedAt: String
    public var finishedAt: String
    public var durationSeconds: Double
    /// Shops of this category (and shard) in the input.
    public var selected: Int
    /// Output rows with status ok (from this run or resumed).
    public var ok: Int
    /// Output rows with status failed.
    public var failed: Int
    /// Shops skipped because the ledger already had them done.
    public var resumed: Int
    /// Shops processed by this invocation (ok + failed this time).
    public var processed: Int
    /// Shops not processed because of a stop request (a re-run does them).
    public var notStarted: Int
    /// Shops whose in-flight call was abandoned at the end of the grace period.
    public var abandoned: Int
    /// Whether SIGTERM/SIGINT stopped this invocation.
    public var interrupted: Bool
    public var embeddingCalls: Int
    public var generationCalls: Int
    public var failures: [Failure]
    public var embedder: String
    public var generator: String
    public var promptVersion: String
    public var tokens: TokenUsage
    public var latency: Latency?
    public var ledgerTornBytesDropped: Int
    public var ledgerUnreadableLines: Int
    public var output: String

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case category, shard
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case selected, ok, failed, resumed, processed
        case notStarted = "not_started"
        case abandoned, interrupted
        case embeddingCalls = "embedding_calls"
        case generationCalls = "generation_calls"
        case failures, embedder, generator
        case promptVersion = "prompt_version"
        case tokens, latency
        case ledgerTornBytesDropped = "ledger_torn_bytes_dropped"
        case ledgerUnreadableLines = "ledger_unreadable_lines"
        case output
    }

    static func latency(of durations: [Int]) -> Latency? {
        guard !durations.isEmpty else { return nil }
        let sorted = durations.sorted()
        func pct(_ p: Double) -> Int { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))] }
        return Latency(p50MS: pct(0.5), p95MS: pct(0.95), maxMS: sorted[sorted.count - 1])
    }
}

/// Summary of the input file, shared by every category of a run.
public struct InputSummary: Sendable, Codable, Hashable {
    public var file: String
    public var rowsRead: Int
    public var validShops: Int
    public var skippedRows: Int
    public var reviewsRead: Int
    public var duplicateReviewsCollapsed: Int
    /// Valid shops per category.
    public var categories: [String: Int]
    public var skipped: [InputIssue]

    enum CodingKeys: String, CodingKey {
        case file
        case rowsRead = "rows_read"
        case validShops = "valid_shops"
        case skippedRows = "skipped_rows"
        case reviewsRead = "reviews_read"
        case duplicateReviewsCollapsed = "duplicate_reviews_collapsed"
        case categories, skipped
    }
}

/// The combined `report.json` of a run.
public struct RunReport: Sendable, Codable, Hashable {
    /// One orchestration step (`run` only).
    public struct Step: Sendable, Codable, Hashable {
        public var name: String
        /// `ok`, `failed`, `skipped`.
        public var status: String
        public var attempts: Int
        public var durationSeconds: Double
        public var error: String?
        public init(name: String, status: String, attempts: Int, durationSeconds: Double, error: String? = nil) {
            self.name = name
            self.status = status
            self.attempts = attempts
            self.durationSeconds = durationSeconds
            self.error = error
        }
        enum CodingKeys: String, CodingKey {
            case name, status, attempts
            case durationSeconds = "duration_seconds"
            case error
        }
    }

    public var runID: String
    public var generatedAt: String
    public var input: InputSummary?
    /// Category (or `category.shard-i-of-n`) → report.
    public var categories: [String: CategoryReport]
    public var totals: [String: Int]
    public var tokens: TokenUsage
    public var steps: [Step]
    public var backup: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id"
        case generatedAt = "generated_at"
        case input, categories, totals, tokens, steps, backup
    }

    /// Builds a report and its totals.
    public init(runID: String, input: InputSummary?, categories: [String: CategoryReport], steps: [Step] = [],
                backup: String? = nil) {
        self.runID = runID
        self.generatedAt = Timestamp.now()
        self.input = input
        self.categories = categories
        self.steps = steps
        self.backup = backup
        var totals: [String: Int] = ["ok": 0, "failed": 0, "resumed": 0, "processed": 0, "selected": 0,
                                     "generation_calls": 0, "embedding_calls": 0]
        var tokens = TokenUsage()
        for report in categories.values {
            totals["ok", default: 0] += report.ok
            totals["failed", default: 0] += report.failed
            totals["resumed", default: 0] += report.resumed
            totals["processed", default: 0] += report.processed
            totals["selected", default: 0] += report.selected
            totals["generation_calls", default: 0] += report.generationCalls
            totals["embedding_calls", default: 0] += report.embeddingCalls
            tokens = tokens + report.tokens
        }
        totals["skipped_rows"] = input?.skippedRows ?? 0
        totals["duplicate_reviews_collapsed"] = input?.duplicateReviewsCollapsed ?? 0
        self.totals = totals
        self.tokens = tokens
    }

    /// Pretty, sorted JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// ISO-8601 UTC timestamps.
enum Timestamp {
    static func now() -> String { Date().ISO8601Format() }
}
