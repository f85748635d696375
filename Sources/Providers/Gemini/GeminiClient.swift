import Foundation

/// Low-level Gemini REST client (Gemini API or Vertex AI): builds requests, sends them through a
/// ``ProviderHTTPClient`` and decodes responses. Higher-level classification lives in
/// ``GeminiGenerator`` and ``GeminiEmbedder``.
public struct GeminiClient: Sendable {
    /// Endpoint family and base.
    public let endpoint: GeminiEndpoint
    /// Authentication.
    public let auth: GoogleAuthentication
    /// Reliability layer.
    public let http: ProviderHTTPClient

    /// Creates a client.
    public init(endpoint: GeminiEndpoint, auth: GoogleAuthentication, http: ProviderHTTPClient) {
        self.endpoint = endpoint
        self.auth = auth
        self.http = http
    }

    /// Provider name used in descriptors and messages (`gemini` or `vertex`).
    public var providerName: String { endpoint.flavor.rawValue }

    /// Builds an authenticated JSON POST.
    func jsonRequest<Body: Encodable & Sendable>(_ url: URL, body: Body) async throws -> HTTPRequest {
        var headers = ["Content-Type": "application/json"]
        try await auth.apply(to: &headers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return HTTPRequest(method: "POST", url: url, headers: headers, body: try encoder.encode(body))
    }

    /// Decodes a 2xx body or throws `.invalidResponse` (retried as a malformed body).
    static func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, context: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw ProviderError(code: .invalidResponse,
                                message: "\(context): response body (\(response.body.count) bytes) is not the documented shape",
                                httpStatus: response.status)
        }
    }

    /// Runs `call`; when an OAuth token is rejected with 401 (revoked or expired early), drops the
    /// cached token and runs `call` once more with a fresh one.
    func withTokenRefresh<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as ProviderError where error.code == .auth && error.httpStatus == 401 {
            guard case .oauth(let provider) = auth else { throw error }
            await provider.invalidate()
            return try await call()
        }
    }

    /// `models/{model}:generateContent`.
    public func generateContent(model: String, body: GeminiWire.GenerateRequest,
                                estimatedTokens: Int) async throws -> GeminiWire.GenerateResponse {
        let url = endpoint.url(model: model, method: "generateContent")
        let context = "\(providerName) generateContent \(model)"
        return try await withTokenRefresh {
            try await http.perform(context: context, estimatedTokens: estimatedTokens,
                                   makeRequest: { try await jsonRequest(url, body: body) },
                                   decode: { try Self.decode(GeminiWire.GenerateResponse.self, $0, context: context) })
        }
    }

    /// `models/{model}:embedContent` for one text.
    public func embedContent(model: String, text: String, task: String?, dimension: Int?) async throws -> [Float] {
        let url = endpoint.url(model: model, method: "embedContent")
        let body = embedRequest(model: model, text: text, task: task, dimension: dimension, includeModel: false)
        let context = "\(providerName) embedContent \(model)"
        let response = try await withTokenRefresh {
            try await http.perform(
                context: context, estimatedTokens: text.count,
                makeRequest: { try await jsonRequest(url, body: body) },
                decode: { try Self.decode(GeminiWire.EmbedResponse.self, $0, context: context) })
        }
        return response.embedding.values
    }

    /// `models/{model}:batchEmbedContents` for up to ~100 texts (one HTTP call).
    public func batchEmbedContents(model: String, texts: [String], task: String?,
                                   dimension: Int?) async throws -> [[Float]] {
        let url = endpoint.url(model: model, method: "batchEmbedContents")
        let body = GeminiWire.BatchEmbedRequest(requests: texts.map {
            embedRequest(model: model, text: $0, task: task, dimension: dimension, includeModel: true)
        })
        let context = "\(providerName) batchEmbedContents \(model)"
        let expected = texts.count
        let response = try await http.perform(
            context: context, estimatedTokens: texts.reduce(0) { $0 + $1.count },
            makeRequest: { try await jsonRequest(url, body: body) },
            decode: { response -> GeminiWire.BatchEmbedResponse in
                let decoded = try Self.decode(GeminiWire.BatchEmbedResponse.self, response, context: context)
                guard decoded.embeddings.count == expected else {
                    throw ProviderError(code: .invalidResponse,
                                        message: "\(context): \(decoded.embeddings.count) embeddings for \(expected) texts")
                }
                return decoded
            })
        return response.embeddings.map(\.values)
    }

    private func embedRequest(model: String, text: String, task: String?, dimension: Int?,
                              includeModel: Bool) -> GeminiWire.EmbedRequest {
        let content = GeminiWire.Content(role: nil, parts: [.init(text: text)])
        switch endpoint.flavor {
        case .geminiAPI:
            return GeminiWire.EmbedRequest(model: includeModel ? "models/\(model)" : nil, content: content,
                                           taskType: task, outputDimensionality: dimension, embedContentConfig: nil)
        case .vertex:
            return GeminiWire.EmbedRequest(
                model: nil, content: content, taskType: nil, outputDimensionality: nil,
                embedContentConfig: .init(taskType: task, outputDimensionality: dimension, autoTruncate: true))
        }
    }
}
