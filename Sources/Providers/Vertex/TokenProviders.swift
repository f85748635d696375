import Foundation

/// An OAuth token plus its expiry (monotonic clock seconds).
struct CachedToken: Sendable {
    var value: String
    var expiresAt: Double
}

/// Exchanges a service-account JWT for an access token at `token_uri`; caches it and refreshes
/// `refreshMargin` seconds before expiry. Concurrent callers share one in-flight exchange.
public actor ServiceAccountTokenProvider: AccessTokenProvider {
    private let key: ServiceAccountKey
    private let tokenURI: URL
    private let http: ProviderHTTPClient
    private let refreshMargin: Double
    private let wallClock: @Sendable () -> Int
    private var cached: CachedToken?
    private var inFlight: Task<CachedToken, any Error>?
    /// Number of token exchanges performed (for tests and stats).
    public private(set) var exchanges = 0

    /// Creates a provider.
    /// - Parameters:
    ///   - tokenURI: Overrides the key file's `token_uri` (tests).
    ///   - refreshMargin: Seconds before expiry at which a new token is fetched (default 300).
    ///   - wallClock: Unix seconds for `iat` (injected for tests).
    public init(key: ServiceAccountKey, tokenURI: URL? = nil, http: ProviderHTTPClient, refreshMargin: Double = 300,
                wallClock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.key = key
        self.tokenURI = tokenURI ?? key.tokenURI
        self.http = http
        self.refreshMargin = refreshMargin
        self.wallClock = wallClock
    }

    public func accessToken() async throws -> String {
        let now = http.clock.now()
        if let cached, cached.expiresAt - refreshMargin > now { return cached.value }
        if let inFlight { return try await inFlight.value.value }
        let task = Task { try await exchange() }
        inFlight = task
        defer { inFlight = nil }
        let token = try await task.value
        cached = token
        exchanges += 1
        return token.value
    }

    /// Forgets the cached token (after a 401).
    public func invalidate() { cached = nil }

    private nonisolated func exchange() async throws -> CachedToken {
        let assertion = try key.makeAssertion(issuedAt: wallClock())
        let body = "grant_type=" + "urn:ietf:params:oauth:grant-type:jwt-bearer".formEncoded
            + "&assertion=" + assertion.formEncoded
        let url = tokenURI
        let start = http.clock.now()
        let context = "oauth token exchange for \(key.clientEmail) at \(url.host ?? url.path)"
        do {
            return try await http.perform(
                context: context,
                makeRequest: {
                    HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                body: Data(body.utf8))
                },
                decode: { try TokenResponse.decode($0, context: context, start: start) })
        } catch var error as ProviderError where error.code == .http && error.httpStatus.map({ $0 < 500 }) == true {
            // OAuth rejects a bad assertion with 400 invalid_grant: that is an authentication failure.
            error.code = .auth
            throw error
        }
    }
}

/// Fetches tokens from the GCE/GKE metadata server (`GCE_METADATA_HOST` overrides the host).
public actor MetadataServerTokenProvider: AccessTokenProvider {
    private let url: URL
    private let http: ProviderHTTPClient
    private var cached: CachedToken?

    /// The default metadata host.
    public static let defaultHost = "metadata.google.internal"

    /// Creates a provider for `host` (e.g. `169.254.169.254` or `127.0.0.1:8080`).
    public init(host: String = MetadataServerTokenProvider.defaultHost, http: ProviderHTTPClient) {
        let base = host.contains("://") ? host : "http://" + host
        url = URL(string: base + "/computeMetadata/v1/instance/service-accounts/default/token")
            ?? URL(string: "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token")!
        self.http = http
    }

    /// Forgets the cached token (after a 401).
    public func invalidate() { cached = nil }

    public func accessToken() async throws -> String {
        let now = http.clock.now()
        if let cached, cached.expiresAt - 300 > now { return cached.value }
        let url = url
        let context = "metadata server token at \(url.host ?? "?")"
        let token = try await http.perform(
            context: context,
            makeRequest: { HTTPRequest(method: "GET", url: url, headers: ["Metadata-Flavor": "Google"]) },
            decode: { try TokenResponse.decode($0, context: context, start: now) })
        cached = token
        return token.value
    }
}

/// A fixed bearer token (e.g. from `gcloud auth print-access-token`).
public struct StaticTokenProvider: AccessTokenProvider {
    private let token: String
    /// Creates a provider returning `token`.
    public init(token: String) { self.token = token }
    public func accessToken() async throws -> String { token }
}

/// `{"access_token","expires_in","token_type"}`.
enum TokenResponse {
    static func decode(_ response: HTTPResponse, context: String, start: Double) throws -> CachedToken {
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let token = object["access_token"] as? String, !token.isEmpty else {
            throw ProviderError(code: .auth, message: "\(context): response has no access_token")
        }
        let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue ?? 3600
        return CachedToken(value: token, expiresAt: start + lifetime)
    }
}

extension String {
    /// `application/x-www-form-urlencoded` value encoding.
    var formEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
