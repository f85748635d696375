import Foundation

// MARK: - Embedding

/// What an embedding task is for; remote providers map it to their task types.
public enum EmbeddingTask: String, Sendable, Codable, CaseIterable {
    case retrievalDocument = "RETRIEVAL_DOCUMENT"
    case retrievalQuery = "RETRIEVAL_QUERY"
    case semanticSimilarity = "SEMANTIC_SIMILARITY"
}

/// Identity of an embedding model. Vectors from different descriptors are not comparable,
/// so collections record it and refuse queries made with another one.
public struct EmbedderDescriptor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Provider name, e.g. `offline`, `gemini`, `vertex`, `openai`.
    public var provider: String
    /// Model name, e.g. `hashed-ngram-v1`, `gemini-embedding-001`.
    public var model: String
    /// Output dimension of every vector.
    public var dimension: Int

    /// Creates a descriptor.
    public init(provider: String, model: String, dimension: Int) {
        self.provider = provider
        self.model = model
        self.dimension = dimension
    }

    public var description: String { "\(provider)/\(model)@\(dimension)" }
}

/// Turns texts into L2-normalised vectors of a fixed dimension.
public protocol Embedder: Sendable {
    /// The model identity recorded in collections.
    var descriptor: EmbedderDescriptor { get }
    /// Embeds `texts` in order; the result has one vector per text, each of `descriptor.dimension`.
    /// - Throws: `ProviderError` on transport, quota or response-shape failures.
    func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]]
}

// MARK: - Generation

/// Identity of a text generator, recorded in every output row.
public struct GeneratorDescriptor: Sendable, Hashable, Codable {
    /// Provider name, e.g. `offline`, `gemini`, `vertex`, `openai`.
    public var provider: String
    /// Model name, e.g. `extractive-v1`, `gemini-2.5-flash`.
    public var model: String

    /// Creates a descriptor.
    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }
}

/// Structured inputs behind a prompt. Remote generators read only the prompt text; offline
/// generators (which cannot read prose instructions) read these fields directly.
public struct SummaryContext: Sendable, Codable, Hashable {
    /// Shop display name.
    public var shopName: String
    /// Batch category name, e.g. `waiting_hotplace`.
    public var category: String
    /// Key facts in display order, e.g. ("주소", "서울 용산구 …"), ("평점", "4.5").
    public var facts: [Fact]
    /// Review texts (already de-duplicated), newest first.
    public var reviews: [String]
    /// Curated example summaries retrieved for few-shot prompting.
    public var exampleSummaries: [String]
    /// BCP-47-ish language code of the input: `ko` or `en`.
    public var language: String
    /// Target summary length in characters (from the retrieved examples).
    public var targetLength: Int

    /// A labelled fact about a shop.
    public struct Fact: Sendable, Codable, Hashable {
        public var label: String
        public var value: String
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    /// Creates a context.
    public init(shopName: String, category: String, facts: [Fact], reviews: [String],
                exampleSummaries: [String], language: String, targetLength: Int) {
        self.shopName = shopName
        self.category = category
        self.facts = facts
        self.reviews = reviews
        self.exampleSummaries = exampleSummaries
        self.language = language
        self.targetLength = targetLength
    }
}

/// One generation call.
public struct GenerationRequest: Sendable {
    /// Stable key (the shop id); batch mode matches results by it.
    public var key: String
    /// System instruction (role and rules).
    public var systemInstruction: String
    /// The user prompt: shop facts, delimited reviews, few-shot examples.
    public var prompt: String
    /// JSON Schema (plain JSON Schema dialect) the structured output must satisfy, as JSON text.
    public var responseJSONSchema: String?
    /// Sampling temperature.
    public var temperature: Double
    /// Output token cap.
    public var maxOutputTokens: Int
    /// Structured inputs for generators that do not read prose.
    public var context: SummaryContext

    /// Creates a request.
    public init(key: String, systemInstruction: String, prompt: String, responseJSONSchema: String? = nil,
                temperature: Double = 0.2, maxOutputTokens: Int = 1024, context: SummaryContext) {
        self.key = key
        self.systemInstruction = systemInstruction
        self.prompt = prompt
        self.responseJSONSchema = responseJSONSchema
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
        self.context = context
    }
}

/// The structured summary every generator returns (LLMs via JSON schema; offline directly).
public struct SummaryOutput: Sendable, Codable, Hashable {
    public var summary: String
    public var highlights: [String]
    public var keywords: [String]

    public init(summary: String, highlights: [String] = [], keywords: [String] = []) {
        self.summary = summary
        self.highlights = highlights
        self.keywords = keywords
    }
}

/// Token counts reported by a provider for one call (zero for offline providers).
public struct TokenUsage: Sendable, Codable, Hashable {
    public var promptTokens: Int
    public var outputTokens: Int
    /// Thinking tokens (billed as output by Gemini).
    public var thoughtsTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int = 0, outputTokens: Int = 0, thoughtsTokens: Int = 0, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.thoughtsTokens = thoughtsTokens
        self.totalTokens = totalTokens ?? (promptTokens + outputTokens + thoughtsTokens)
    }

    /// Sums two usages.
    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(promptTokens: lhs.promptTokens + rhs.promptTokens,
                   outputTokens: lhs.outputTokens + rhs.outputTokens,
                   thoughtsTokens: lhs.thoughtsTokens + rhs.thoughtsTokens,
                   totalTokens: lhs.totalTokens + rhs.totalTokens)
    }
}

/// The result of one generation call.
public struct GenerationResult: Sendable {
    /// The parsed structured output.
    public var output: SummaryOutput
    /// The raw text the model returned (JSON for LLMs).
    public var rawText: String
    /// Tokens used, including any retries that produced a billed response.
    public var usage: TokenUsage
    /// Provider finish reason (`STOP`, `stop`, `offline` …).
    public var finishReason: String
    /// The model that answered (may be more specific than the requested one).
    public var model: String

    public init(output: SummaryOutput, rawText: String, usage: TokenUsage, finishReason: String, model: String) {
        self.output = output
        self.rawText = rawText
        self.usage = usage
        self.finishReason = finishReason
        self.model = model
    }
}

/// Writes a summary for one shop.
public protocol Generator: Sendable {
    /// The model identity recorded in output rows.
    var descriptor: GeneratorDescriptor { get }
    /// Generates a structured summary.
    /// - Throws: `ProviderError` with a classified code (blocked, quota, schema mismatch …).
    func generate(_ request: GenerationRequest) async throws -> GenerationResult
}
