import Foundation

/// Where Gemini calls go: the Gemini API or a Vertex AI publisher-model base.
public struct GeminiEndpoint: Sendable, Hashable {
    /// API family (they differ in auth and in the embedding body).
    public enum Flavor: String, Sendable, Hashable {
        case geminiAPI = "gemini"
        case vertex
    }

    /// API family.
    public var flavor: Flavor
    /// Base up to (not including) `models/`; e.g. `https://generativelanguage.googleapis.com/v1beta`.
    public var base: URL

    /// Creates an endpoint from an explicit base.
    public init(flavor: Flavor, base: URL) {
        self.flavor = flavor
        self.base = base
    }

    /// The public Gemini API default base (`v1beta`: batch, files and newest fields live there).
    public static let defaultGeminiAPIBase = URL(string: "https://generativelanguage.googleapis.com/v1beta")!

    /// The Gemini API, optionally at another root (tests), e.g. `http://127.0.0.1:8765`.
    public static func geminiAPI(root: URL? = nil) -> GeminiEndpoint {
        let base = root.map { $0.appendingPathComponent("v1beta") } ?? defaultGeminiAPIBase
        return GeminiEndpoint(flavor: .geminiAPI, base: base)
    }

    /// Vertex AI: `https://{loc}-aiplatform.googleapis.com/v1/projects/{p}/locations/{loc}/publishers/google`;
    /// `global` uses `aiplatform.googleapis.com`. `root` replaces scheme and host (tests).
    public static func vertex(project: String, location: String, root: URL? = nil,
                              apiVersion: String = "v1") -> GeminiEndpoint {
        let host: URL
        if let root {
            host = root
        } else if location == "global" {
            host = URL(string: "https://aiplatform.googleapis.com")!
        } else {
            host = URL(string: "https://\(location)-aiplatform.googleapis.com")!
        }
        let base = host.appendingPathComponent(apiVersion)
            .appendingPathComponent("projects").appendingPathComponent(project)
            .appendingPathComponent("locations").appendingPathComponent(location)
            .appendingPathComponent("publishers").appendingPathComponent("google")
        return GeminiEndpoint(flavor: .vertex, base: base)
    }

    /// `{base}/models/{model}:{method}`.
    public func url(model: String, method: String) -> URL {
        base.appendingPathComponent("models").appendingPathComponent("\(model):\(method)")
    }
}

/// Supplies OAuth access tokens (service account, metadata server, static).
public protocol AccessTokenProvider: Sendable {
    /// A currently valid bearer token.
    /// - Throws: ``ProviderError`` `.auth` when no token can be obtained.
    func accessToken() async throws -> String
    /// Drops a cached token the server rejected (401), so the next call fetches a new one.
    func invalidate() async
}

extension AccessTokenProvider {
    /// Default: nothing cached.
    public func invalidate() async {}
}

/// How Google requests authenticate.
public enum GoogleAuthentication: Sendable {
    /// `x-goog-api-key` header (Gemini API).
    case apiKey(String)
    /// `Authorization: Bearer` from a token provider (Vertex AI).
    case oauth(any AccessTokenProvider)

    /// Adds the auth header to `headers`.
    func apply(to headers: inout [String: String]) async throws {
        switch self {
        case .apiKey(let key): headers["x-goog-api-key"] = key
        case .oauth(let provider): headers["Authorization"] = "Bearer " + (try await provider.accessToken())
        }
    }
}
