import Foundation

/// Everything the people-facing `report.html` shows, decoupled from how the run report is
/// stored. The batch runner fills it from its outcomes; ``HTMLReportRenderer`` draws it.
public struct ReviewPage: Sendable, Codable {
    /// Totals of one category.
    public struct CategoryTotals: Sendable, Codable {
        public var category: String
        public var written: Int
        public var failed: Int
        public var skipped: Int
        public var promptTokens: Int
        public var outputTokens: Int
        public var estimatedCostUSD: Double?

        public init(category: String, written: Int, failed: Int, skipped: Int, promptTokens: Int = 0,
                    outputTokens: Int = 0, estimatedCostUSD: Double? = nil) {
            self.category = category
            self.written = written
            self.failed = failed
            self.skipped = skipped
            self.promptTokens = promptTokens
            self.outputTokens = outputTokens
            self.estimatedCostUSD = estimatedCostUSD
        }
    }

    /// One retrieved example shown beside a summary.
    public struct ExampleRef: Sendable, Codable {
        public var id: String
        public var text: String
        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// One shop's row in the searchable table.
    public struct ShopRow: Sendable, Codable {
        public var shopID: String
        public var name: String
        public var category: String
        /// `ok` or `failed`.
        public var status: String
        public var summary: String
        public var highlights: [String]
        public var failureReason: String?
        public var examples: [ExampleRef]
        public var reviews: [String]
        public var latencyMilliseconds: Double?

        public init(shopID: String, name: String, category: String, status: String, summary: String,
                    highlights: [String] = [], failureReason: String? = nil, examples: [ExampleRef] = [],
                    reviews: [String] = [], latencyMilliseconds: Double? = nil) {
            self.shopID = shopID
            self.name = name
            self.category = category
            self.status = status
            self.summary = summary
            self.highlights = highlights
            self.failureReason = failureReason
            self.examples = examples
            self.reviews = reviews
            self.latencyMilliseconds = latencyMilliseconds
        }
    }

    /// An extra titled table (e.g. the evaluation section), as key/value rows.
    public struct Section: Sendable, Codable {
        public var title: String
        public var rows: [[String]]
        public init(title: String, rows: [[String]]) {
            self.title = title
            self.rows = rows
        }
    }

    public var runID: String
    public var generatedAt: Date
    /// e.g. `offline/extractive-v1`.
    public var generator: String
    /// e.g. `offline/hashed-ngram-v1@384`.
    public var embedder: String
    /// Notes such as "no credentials: offline defaults ran".
    public var notes: [String]
    public var categories: [CategoryTotals]
    /// Input rows skipped, as `file:line: reason`.
    public var skippedRows: [String]
    public var shops: [ShopRow]
    public var sections: [Section]

    public init(runID: String, generatedAt: Date, generator: String, embedder: String, notes: [String] = [],
                categories: [CategoryTotals], skippedRows: [String] = [], shops: [ShopRow], sections: [Section] = []) {
        self.runID = runID
        self.generatedAt = generatedAt
        self.generator = generator
        self.embedder = embedder
        self.notes = notes
        self.categories = categories
        self.skippedRows = skippedRows
        self.shops = shops
        self.sections = sections
    }
}
