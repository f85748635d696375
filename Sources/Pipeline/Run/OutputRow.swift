import Foundation
import Providers

/// One line of `<output>/<run-id>/<category>.jsonl`: a summary, or a failure with its reason.
/// Field names are snake_case; the format is documented in docs/modules/pipeline.md.
public struct OutputRow: Sendable, Codable, Hashable {
    /// `ok` or `failed`.
    public enum Status: String, Sendable, Codable { case ok, failed }

    public var shopID: String
    public var name: String
    public var category: String
    /// `explicit`, `rule:<name>` or `default`.
    public var categorySource: String
    public var status: Status
    public var summary: String?
    public var highlights: [String]
    public var keywords: [String]
    /// Ids of the retrieved example summaries, best first.
    public var exampleIDs: [String]
    public var provider: String
    public var model: String
    public var embedder: String
    public var promptVersion: String
    /// SHA-256 of the mapped shop (after de-duplication) and its category: the resume key.
    public var inputHash: String
    /// ISO-8601 UTC time the row was produced.
    public var createdAt: String
    /// Full prompt text (system instruction, then the user prompt) for inspection.
    public var prompt: String?
    /// Failure reason (status `failed`).
    public var error: String?
    /// Quality-check findings (empty when the summary passed).
    public var violations: [String]
    public var usage: TokenUsage
    /// Wall time of this shop's embed + retrieve + generate.
    public var durationMS: Int

    public init(shopID: String, name: String, category: String, categorySource: String, status: Status,
                summary: String? = nil, highlights: [String] = [], keywords: [String] = [], exampleIDs: [String] = [],
                provider: String, model: String, embedder: String, promptVersion: String, inputHash: String,
                createdAt: String, prompt: String? = nil, error: String? = nil, violations: [String] = [],
                usage: TokenUsage = TokenUsage(), durationMS: Int = 0) {
        self.shopID = shopID
        self.name = name
        self.category = category
        self.categorySource = categorySource
        self.status = status
        self.summary = summary
        self.highlights = highlights
        self.keywords = keywords
        self.exampleIDs = exampleIDs
        self.provider = provider
        self.model = model
        self.embedder = embedder
        self.promptVersion = promptVersion
        self.inputHash = inputHash
        self.createdAt = createdAt
        self.prompt = prompt
        self.error = error
        self.violations = violations
        self.usage = usage
        self.durationMS = durationMS
    }

    enum CodingKeys: String, CodingKey {
        case shopID = "shop_id"
        case name, category
        case categorySource = "category_source"
        case status, summary, highlights, keywords
        case exampleIDs = "example_ids"
        case provider, model, embedder
        case promptVersion = "prompt_version"
        case inputHash = "input_hash"
        case createdAt = "created_at"
        case prompt, error, violations, usage
        case durationMS = "duration_ms"
    }

    /// One JSON line (no trailing newline), keys sorted for stable diffs.
    public func jsonLine() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
