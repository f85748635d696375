import Foundation

/// A minimal HTTP request value (no URLSession types, so stubs need no networking).
public struct HTTPRequest: Sendable {
    /// HTTP method (`GET`, `POST` …).
    public var method: String
    /// Absolute URL.
    public var url: URL
    /// Header fields. Values may be secrets: never log them.
    public var headers: [String: String]
    /// Body bytes.
    public var body: Data?
    /// Per-call timeout in seconds.
    public var timeout: Double

    /// Creates a request.
    public init(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The URL without its query string (query strings may carry `key=`), for messages.
    public var redactedURL: String {
        var comps = URLComponents(url: url, resolvingAgainstBaseURL: false)
        comps?.query = nil
        return comps?.string ?? url.path
    }
}

/// A received HTTP response.
public struct HTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// Body bytes.
    public var body: Data

    /// Creates a response; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// Header lookup by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Sends HTTP requests. Implementations: ``URLSessionTransport`` and ``StubTransport``.
///
/// Transport failures are thrown as ``ProviderError`` with code `.transport` or `.timeout`.
public protocol HTTPTransport: Sendable {
    /// Sends one request and returns the response, whatever its status.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
