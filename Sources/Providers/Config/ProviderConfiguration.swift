import Foundation

/// Provider settings, merged from (highest first) command-line flags, environment variables and a
/// JSON config file, then defaults. Every field is optional so layers can be merged.
///
/// Environment: `SHOP_SUMMARY_LLM`, `SHOP_SUMMARY_EMBEDDER`, `SHOP_SUMMARY_LLM_MODEL`,
/// `SHOP_SUMMARY_EMBEDDING_MODEL`, `SHOP_SUMMARY_EMBEDDING_DIM`, `SHOP_SUMMARY_LLM_RPM`,
/// `SHOP_SUMMARY_LLM_TPM`, `SHOP_SUMMARY_LLM_CONCURRENCY`, `SHOP_SUMMARY_LLM_TIMEOUT`,
/// `SHOP_SUMMARY_LLM_MAX_ATTEMPTS`, `SHOP_SUMMARY_GEMINI_BASE_URL`, `SHOP_SUMMARY_VERTEX_BASE_URL`,
/// `SHOP_SUMMARY_OAUTH_TOKEN_URI`, `SHOP_SUMMARY_PRICES`, `SHOP_SUMMARY_PROVIDER_CONFIG` (the file), plus the
/// standard `GEMINI_API_KEY`/`GOOGLE_API_KEY`, `GOOGLE_APPLICATION_CREDENTIALS`, `GOOGLE_CLOUD_PROJECT`,
/// `GOOGLE_CLOUD_LOCATION`, `GCE_METADATA_HOST`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`.
public struct ProviderConfiguration: Sendable, Codable, Hashable {
    /// `gemini`, `vertex`, `openai`, `offline` or `auto` (default: first provider with credentials).
    public var llm: String?
    /// `gemini`, `vertex`, `openai` or `offline` (default `offline`: changing the embedder
    /// invalidates stored vectors, so it is never switched implicitly).
    public var embedder: String?
    /// Generation model (default `gemini-2.5-flash`; for openai `gpt-4o-mini`).
    public var model: String?
    /// Embedding model (default `gemini-embedding-001`; openai `text-embedding-3-small`).
    public var embeddingModel: String?
    /// Embedding dimension (default 768 remote, 384 offline).
    public var embeddingDimension: Int?
    /// Client-side requests per minute (unset = unlimited).
    public var requestsPerMinute: Double?
    /// Client-side input tokens per minute (unset = unlimited).
    public var tokensPerMinute: Double?
    /// Concurrent HTTP calls (default 16).
    public var maxConcurrentRequests: Int?
    /// Per-call timeout in seconds (default 60).
    public var timeoutSeconds: Double?
    /// Attempts per call including the first (default 5).
    public var maxAttempts: Int?
    /// Gemini `thinkingBudget` (unset = model default; 0 disables thinking on 2.5 Flash).
    public var thinkingBudget: Int?
    /// Gemini API root replacing `https://generativelanguage.googleapis.com` (tests, proxies).
    public var geminiBaseURL: String?
    /// Vertex root replacing `https://{loc}-aiplatform.googleapis.com` (tests, proxies).
    public var vertexBaseURL: String?
    /// OpenAI-compatible base including `/v1`.
    public var openAIBaseURL: String?
    /// Vertex project.
    public var project: String?
    /// Vertex location (default `global`).
    public var location: String?
    /// Service-account key file (else `GOOGLE_APPLICATION_CREDENTIALS`).
    public var credentialsFile: String?
    /// Overrides the key file's `token_uri`.
    public var tokenURI: String?
    /// Price table file (default: built-in copy of `config/prices.json`).
    public var pricesFile: String?

    /// Creates an empty configuration.
    public init() {}

    /// Values set in `other` replace those in `self`.
    public func overridden(by other: ProviderConfiguration) -> ProviderConfiguration {
        var merged = self
        merged.llm = other.llm ?? llm
        merged.embedder = other.embedder ?? embedder
        merged.model = other.model ?? model
        merged.embeddingModel = other.embeddingModel ?? embeddingModel
        merged.embeddingDimension = other.embeddingDimension ?? embeddingDimension
        merged.requestsPerMinute = other.requestsPerMinute ?? requestsPerMinute
        merged.tokensPerMinute = other.tokensPerMinute ?? tokensPerMinute
        merged.maxConcurrentRequests = other.maxConcurrentRequests ?? maxConcurrentRequests
        merged.timeoutSeconds = other.timeoutSeconds ?? timeoutSeconds
        merged.maxAttempts = other.maxAttempts ?? maxAttempts
        merged.thinkingBudget = other.thinkingBudget ?? thinkingBudget
        merged.geminiBaseURL = other.geminiBaseURL ?? geminiBaseURL
        merged.vertexBaseURL = other.vertexBaseURL ?? vertexBaseURL
        merged.openAIBaseURL = other.openAIBaseURL ?? openAIBaseURL
        merged.project = other.project ?? project
        merged.location = other.location ?? location
        merged.credentialsFile = other.credentialsFile ?? credentialsFile
        merged.tokenURI = other.tokenURI ?? tokenURI
        merged.pricesFile = other.pricesFile ?? pricesFile
        return merged
    }

    /// Reads the settings the environment carries (not secrets: keys are read by the factory).
    /// - Throws: ``ProviderError`` `.configuration` naming the variable when a number is malformed.
    public static func fromEnvironment(_ env: [String: String]) throws -> ProviderConfiguration {
        func number(_ name: String) throws -> Double? {
            guard let text = env[name], !text.isEmpty else { return nil }
            guard let value = Double(text), value >= 0 else {
                throw ProviderError(code: .configuration, message: "environment variable \(name)=\"\(text)\" is not a non-negative number")
            }
            return value
        }
        func text(_ names: String...) -> String? {
            names.lazy.compactMap { env[$0] }.first { !$0.isEmpty }
        }
        var c = ProviderConfiguration()
        c.llm = text("SHOP_SUMMARY_LLM")
        c.embedder = text("SHOP_SUMMARY_EMBEDDER")
        c.model = text("SHOP_SUMMARY_LLM_MODEL")
        c.embeddingModel = text("SHOP_SUMMARY_EMBEDDING_MODEL")
        c.embeddingDimension = try number("SHOP_SUMMARY_EMBEDDING_DIM").map { Int($0) }
        c.requestsPerMinute = try number("SHOP_SUMMARY_LLM_RPM")
        c.tokensPerMinute = try number("SHOP_SUMMARY_LLM_TPM")
        c.maxConcurrentRequests = try number("SHOP_SUMMARY_LLM_CONCURRENCY").map { Int($0) }
        c.timeoutSeconds = try number("SHOP_SUMMARY_LLM_TIMEOUT")
        c.maxAttempts = try number("SHOP_SUMMARY_LLM_MAX_ATTEMPTS").map { Int($0) }
        c.geminiBaseURL = text("SHOP_SUMMARY_GEMINI_BASE_URL")
        c.vertexBaseURL = text("SHOP_SUMMARY_VERTEX_BASE_URL")
        c.openAIBaseURL = text("OPENAI_BASE_URL")
        c.project = text("GOOGLE_CLOUD_PROJECT")
        c.location = text("GOOGLE_CLOUD_LOCATION")
        c.credentialsFile = text("GOOGLE_APPLICATION_CREDENTIALS")
        c.tokenURI = text("SHOP_SUMMARY_OAUTH_TOKEN_URI")
        c.pricesFile = text("SHOP_SUMMARY_PRICES")
        return c
    }

    /// Loads a JSON config file with the same field names (e.g. `{"llm": "vertex", "location": "global"}`).
    /// - Throws: ``ProviderError`` `.configuration` naming the file and field.
    public static func load(from url: URL) throws -> ProviderConfiguration {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ProviderError(code: .configuration, message: "cannot read provider config file \(url.path)")
        }
        do {
            return try JSONDecoder().decode(ProviderConfiguration.self, from: data)
        } catch let DecodingError.typeMismatch(_, ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw ProviderError(code: .configuration, message: "\(url.path): field \"\(field)\" has the wrong type")
        } catch {
            throw ProviderError(code: .configuration, message: "\(url.path): not a valid JSON object")
        }
    }

    /// Flags > environment > config file (`configFile`, else `SHOP_SUMMARY_PROVIDER_CONFIG`).
    /// - Throws: ``ProviderError`` `.configuration`.
    public static func resolve(flags: ProviderConfiguration = .init(), environment: [String: String],
                               configFile: URL? = nil) throws -> ProviderConfiguration {
        var base = ProviderConfiguration()
        if let file = configFile ?? environment["SHOP_SUMMARY_PROVIDER_CONFIG"].flatMap({ $0.isEmpty ? nil : URL(fileURLWithPath: $0) }) {
            base = try load(from: file)
        }
        return base.overridden(by: try fromEnvironment(environment)).overridden(by: flags)
    }
}
