import Foundation
import Observability

/// What the factory built, plus a human-readable note the run report shows.
public struct ProviderSelection: Sendable {
    /// The generator to use.
    public let generator: any Generator
    /// The embedder (wrapped by ``CachingEmbedder`` when a cache directory was given).
    public let embedder: any Embedder
    /// Batch-mode generator when the LLM is the Gemini API (the Batch API exists only there).
    public let batchGenerator: GeminiBatchGenerator?
    /// Cost estimates from the configured price table.
    public let costEstimator: CostEstimator
    /// E.g. "llm: gemini/gemini-2.5-flash (GEMINI_API_KEY); embedder: offline/hashed-ngram-v1@384 (default)".
    public let selectionNote: String
    /// True when the generator is the offline one.
    public let generatorIsOffline: Bool
    /// The merged configuration.
    public let configuration: ProviderConfiguration
}

/// Builds generators and embedders from a ``ProviderConfiguration`` and the environment
/// (`--llm gemini|vertex|openai|offline|auto`, `--embedder gemini|vertex|openai|offline`).
///
/// With no credentials, `auto` selects the offline generator and says so in ``ProviderSelection/selectionNote``.
/// Secrets (API keys, key files) are read here from the environment and never stored in the selection.
public enum ProviderFactory {
    /// Builds the providers.
    /// - Parameters:
    ///   - configuration: Merged settings (see ``ProviderConfiguration/resolve(flags:environment:configFile:)``).
    ///   - environment: Usually `ProcessInfo.processInfo.environment` (keys are read from it).
    ///   - offlineGenerator: The offline generator (`OfflineGenerator()`), used for `offline`/`auto`.
    ///   - embeddingCacheDirectory: Where ``EmbeddingCache`` keeps vectors (nil: no cache).
    ///   - transport: Shared HTTP transport (default: one new ``URLSessionTransport``; pass the same
    ///     instance to every call in a process).
    /// - Throws: ``ProviderError`` `.configuration` naming the missing variable or unknown name.
    public static func make(configuration: ProviderConfiguration, environment: [String: String],
                            offlineGenerator: any Generator, embeddingCacheDirectory: URL? = nil,
                            transport: (any HTTPTransport)? = nil, logger: Logger = .disabled()) throws -> ProviderSelection {
        let transport = transport ?? URLSessionTransport(configuration: .init(
            maxConnectionsPerHost: max(64, configuration.maxConcurrentRequests ?? 16)))
        let prices = try configuration.pricesFile.map { try PriceTable.load(from: URL(fileURLWithPath: $0)) } ?? .builtIn
        let env = Credentials(environment: environment)
        var notes: [String] = []

        // LLM
        var llm = (configuration.llm ?? "auto").lowercased()
        var llmWhy = "--llm \(llm)"
        if llm == "auto" {
            (llm, llmWhy) = env.autoProvider(configuration)
        }
        let generator: any Generator
        var batch: GeminiBatchGenerator?
        let llmHTTP = httpClient(transport, configuration, env, limited: true, logger: logger)
        switch llm {
        case "offline":
            generator = offlineGenerator
        case "gemini":
            let client = try geminiClient(configuration, env, llmHTTP)
            let g = GeminiGenerator(client: client, options: .init(model: configuration.model ?? "gemini-2.5-flash",
                                                                   thinkingBudget: configuration.thinkingBudget))
            generator = g
            batch = GeminiBatchGenerator(generator: GeminiGenerator(
                client: try geminiClient(configuration, env, httpClient(transport, configuration, env, limited: false, logger: logger)),
                options: g.options))
        case "vertex":
            let client = try vertexClient(configuration, env, llmHTTP)
            generator = GeminiGenerator(client: client, options: .init(model: configuration.model ?? "gemini-2.5-flash",
                                                                       thinkingBudget: configuration.thinkingBudget))
        case "openai":
            generator = OpenAICompatibleGenerator(client: try openAIClient(configuration, env, llmHTTP),
                                                  model: configuration.model ?? "gpt-4o-mini")
        default:
            throw ProviderError(code: .configuration, message: "unknown --llm \"\(llm)\" (expected gemini, vertex, openai, offline or auto)")
        }
        notes.append("llm: \(generator.descriptor.provider)/\(generator.descriptor.model) (\(llmWhy))")

        // Embedder
        let embedderName = (configuration.embedder ?? "offline").lowercased()
        let embedHTTP = httpClient(transport, configuration, env, limited: false, logger: logger)
        let dimension = configuration.embeddingDimension
        var embedder: any Embedder
        switch embedderName {
        case "offline":
            embedder = OfflineEmbedder(dimension: dimension ?? 384)
        case "gemini":
            embedder = GeminiEmbedder(client: try geminiClient(configuration, env, embedHTTP),
                                      model: configuration.embeddingModel ?? "gemini-embedding-001", dimension: dimension ?? 768)
        case "vertex":
            embedder = GeminiEmbedder(client: try vertexClient(configuration, env, embedHTTP),
                                      model: configuration.embeddingModel ?? "gemini-embedding-001", dimension: dimension ?? 768)
        case "openai":
            embedder = OpenAICompatibleEmbedder(client: try openAIClient(configuration, env, embedHTTP),
                                                model: configuration.embeddingModel ?? "text-embedding-3-small",
                                                dimension: dimension ?? 1536)
        default:
            throw ProviderError(code: .configuration,
                                message: "unknown --embedder \"\(embedderName)\" (expected gemini, vertex, openai or offline)")
        }
        let embedWhy = configuration.embedder == nil ? "default" : "--embedder \(embedderName)"
        if let dir = embeddingCacheDirectory, embedderName != "offline" {
            embedder = try CachingEmbedder(base: embedder, directory: dir)
            notes.append("embedder: \(embedder.descriptor) (\(embedWhy), cached in \(dir.path))")
        } else {
            notes.append("embedder: \(embedder.descriptor) (\(embedWhy))")
        }
        if llm == "offline" && configuration.llm.map({ $0.lowercased() == "auto" }) ?? true {
            notes.append("no LLM credentials found (GEMINI_API_KEY/GOOGLE_API_KEY, GOOGLE_APPLICATION_CREDENTIALS + "
                         + "GOOGLE_CLOUD_PROJECT, OPENAI_API_KEY/OPENAI_BASE_URL): summaries use the offline extractive writer")
        }
        return ProviderSelection(generator: generator, embedder: embedder, batchGenerator: batch,
                                 costEstimator: CostEstimator(prices: prices), selectionNote: notes.joined(separator: "; "),
                                 generatorIsOffline: llm == "offline", configuration: configuration)
    }

    // MARK: - Pieces

    struct Credentials {
        let environment: [String: String]
        var geminiKey: String? { ["GEMINI_API_KEY", "GOOGLE_API_KEY"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } }
        var openAIKey: String? { environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 } }
        var secrets: [String] { [geminiKey, openAIKey].compactMap { $0 } }

        func autoProvider(_ c: ProviderConfiguration) -> (String, String) {
            if geminiKey != nil { return ("gemini", "auto: GEMINI_API_KEY/GOOGLE_API_KEY set") }
            if c.credentialsFile != nil { return ("vertex", "auto: GOOGLE_APPLICATION_CREDENTIALS set") }
            if openAIKey != nil || c.openAIBaseURL != nil { return ("openai", "auto: OPENAI_API_KEY/OPENAI_BASE_URL set") }
            return ("offline", "auto: no credentials")
        }
    }

    static func httpClient(_ transport: any HTTPTransport, _ c: ProviderConfiguration, _ env: Credentials,
                           limited: Bool, logger: Logger) -> ProviderHTTPClient {
        let limits = limited ? RateLimiter.Configuration(requestsPerMinute: c.requestsPerMinute, tokensPerMinute: c.tokensPerMinute)
                             : RateLimiter.Configuration()
        return ProviderHTTPClient(transport: transport,
                                  configuration: .init(retry: RetryPolicy(maxAttempts: c.maxAttempts ?? 5), rateLimits: limits,
                                                       maxConcurrentRequests: c.maxConcurrentRequests ?? 16,
                                                       timeout: c.timeoutSeconds ?? 60),
                                  redactor: SecretRedactor(secrets: env.secrets), logger: logger)
    }

    static func url(_ text: String?, _ what: String) throws -> URL? {
        guard let text else { return nil }
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            throw ProviderError(code: .configuration, message: "\(what) \"\(text)\" is not an http(s) URL")
        }
        return url
    }

    static func geminiClient(_ c: ProviderConfiguration, _ env: Credentials, _ http: ProviderHTTPClient) throws -> GeminiClient {
        guard let key = env.geminiKey else {
            throw ProviderError(code: .configuration, message: "--llm/--embedder gemini needs GEMINI_API_KEY or GOOGLE_API_KEY")
        }
        return GeminiClient(endpoint: .geminiAPI(root: try url(c.geminiBaseURL, "SHOP_SUMMARY_GEMINI_BASE_URL")),
                            auth: .apiKey(key), http: http)
    }

    static func vertexClient(_ c: ProviderConfiguration, _ env: Credentials, _ http: ProviderHTTPClient) throws -> GeminiClient {
        let auth: any AccessTokenProvider
        var project = c.project
        if let file = c.credentialsFile {
            let key = try ServiceAccountKey.load(from: URL(fileURLWithPath: file))
            project = project ?? key.projectID
            auth = ServiceAccountTokenProvider(key: key, tokenURI: try url(c.tokenURI, "SHOP_SUMMARY_OAUTH_TOKEN_URI"), http: http)
        } else if let host = env.environment["GCE_METADATA_HOST"], !host.isEmpty {
            auth = MetadataServerTokenProvider(host: host, http: http)
        } else if env.environment["KUBERNETES_SERVICE_HOST"] != nil || env.environment["GCE_METADATA_IP"] != nil {
            auth = MetadataServerTokenProvider(http: http)
        } else {
            throw ProviderError(code: .configuration, message: "--llm/--embedder vertex needs GOOGLE_APPLICATION_CREDENTIALS "
                                + "(service-account key file) or a GCE/GKE metadata server (GCE_METADATA_HOST)")
        }
        guard let project else {
            throw ProviderError(code: .configuration, message: "--llm/--embedder vertex needs GOOGLE_CLOUD_PROJECT (or --project)")
        }
        return GeminiClient(endpoint: .vertex(project: project, location: c.location ?? "global",
                                              root: try url(c.vertexBaseURL, "SHOP_SUMMARY_VERTEX_BASE_URL")),
                            auth: .oauth(auth), http: http)
    }

    static func openAIClient(_ c: ProviderConfiguration, _ env: Credentials, _ http: ProviderHTTPClient) throws -> OpenAICompatibleClient {
        let base = try url(c.openAIBaseURL, "OPENAI_BASE_URL") ?? OpenAICompatibleClient.defaultBaseURL
        if env.openAIKey == nil && base == OpenAICompatibleClient.defaultBaseURL {
            throw ProviderError(code: .configuration, message: "--llm/--embedder openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)")
        }
        return OpenAICompatibleClient(baseURL: base, apiKey: env.openAIKey, http: http)
    }
}
