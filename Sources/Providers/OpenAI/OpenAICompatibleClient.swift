import Foundation

/// Client for OpenAI-compatible servers (OpenAI, Ollama, vLLM, llama.cpp, Gemini's `/openai/`):
/// `POST {base}/chat/completions` and `POST {base}/embeddings`, `Authorization: Bearer <key>`.
public struct OpenAICompatibleClient: Sendable {
    /// Base URL including the version segment, e.g. `https://api.openai.com/v1`.
    public let baseURL: URL
    /// API key (optional for local servers). Secret.
    let apiKey: String?
    /// Reliability layer.
    public let http: ProviderHTTPClient

    /// `https://api.openai.com/v1`.
    public static let defaultBaseURL = URL(string: "https://api.openai.com/v1")!

    /// Creates a client.
    public init(baseURL: URL = OpenAICompatibleClient.defaultBaseURL, apiKey: String?, http: ProviderHTTPClient) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.http = http
    }

    // MARK: - Wire

    /// A chat message.
    public struct Message: Codable, Sendable, Hashable {
        public var role: String
        public var content: String
    }

    /// `response_format`.
    public struct ResponseFormat: Codable, Sendable, Hashable {
        public struct Schema: Codable, Sendable, Hashable {
            public var name: String
            public var schema: JSONValue
            public var strict: Bool
        }
        public var type: String
        public var json_schema: Schema?
    }

    /// `/chat/completions` request body.
    public struct ChatRequest: Codable, Sendable, Hashable {
        public var model: String
        public var messages: [Message]
        public var temperature: Double?
        public var max_tokens: Int?
        public var response_format: ResponseFormat?
    }

    /// `/chat/completions` response body.
    public struct ChatResponse: Codable, Sendable {
        public struct Choice: Codable, Sendable {
            public var message: Message?
            public var finish_reason: String?
        }
        public struct Usage: Codable, Sendable {
            public var prompt_tokens: Int?
            public var completion_tokens: Int?
            public var total_tokens: Int?
        }
        public var choices: [Choice]?
        public var usage: Usage?
        public var model: String?
    }

    /// `/embeddings` request body.
    public struct EmbeddingsRequest: Codable, Sendable, Hashable {
        public var model: String
        public var input: [String]
        public var encoding_format: String
        public var dimensions: Int?
    }

    /// `/embeddings` response body.
    public struct EmbeddingsResponse: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var embedding: [Float]
            public var index: Int
        }
        public var data: [Item]
    }

    // MARK: - Calls

    private func request<Body: Encodable & Sendable>(path: String, body: Body) throws -> HTTPRequest {
        var headers = ["Content-Type": "application/json"]
        if let apiKey, !apiKey.isEmpty { headers["Authorization"] = "Bearer " + apiKey }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return HTTPRequest(method: "POST", url: baseURL.appendingPathComponent(path), headers: headers,
                           body: try encoder.encode(body))
    }

    /// `POST /chat/completions`.
    public func chatCompletion(_ body: ChatRequest, estimatedTokens: Int) async throws -> ChatResponse {
        let context = "openai chat/completions \(body.model)"
        let built = try request(path: "chat/completions", body: body)
        return try await http.perform(context: context, estimatedTokens: estimatedTokens,
                                      makeRequest: { built },
                                      decode: { try GeminiClient.decode(ChatResponse.self, $0, context: context) })
    }

    /// `POST /embeddings`; results are returned in input order (sorted by `index`).
    public func embeddings(model: String, texts: [String], dimensions: Int?) async throws -> [[Float]] {
        let context = "openai embeddings \(model)"
        let body = EmbeddingsRequest(model: model, input: texts, encoding_format: "float", dimensions: dimensions)
        let built = try request(path: "embeddings", body: body)
        let expected = texts.count
        let response = try await http.perform(
            context: context, estimatedTokens: texts.reduce(0) { $0 + $1.count },
            makeRequest: { built },
            decode: { response -> EmbeddingsResponse in
                let decoded = try GeminiClient.decode(EmbeddingsResponse.self, response, context: context)
                let indices = Set(decoded.data.map(\.index))
                guard decoded.data.count == expected, indices == Set(0..<expected) else {
                    throw ProviderError(code: .invalidResponse,
                                        message: "\(context): \(decoded.data.count) embeddings for \(expected) inputs")
                }
                return decoded
            })
        return response.data.sorted { $0.index < $1.index }.map(\.embedding)
    }
}
