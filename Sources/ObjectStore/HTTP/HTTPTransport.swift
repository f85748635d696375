import Foundation

/// The body of an ``HTTPRequest``.
public enum HTTPBody: Sendable {
    /// No body.
    case empty
    /// An in-memory body.
    case data(Data)
    /// A body streamed from a local file (URLSession `upload(for:fromFile:)`).
    case file(URL)
}

/// One HTTP request as the S3 client and credential providers build it.
public struct HTTPRequest: Sendable {
    /// `GET`, `PUT`, `POST`, `HEAD`, `DELETE`.
    public var method: String
    /// The absolute URL (already percent-encoded).
    public var url: URL
    /// Header fields in order; names are case-insensitive.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: HTTPBody

    /// Creates a request.
    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: HTTPBody = .empty) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A received HTTP response.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields keyed by lower-cased name.
    public var headers: [String: String]
    /// The body (for downloads: empty on success, the error document otherwise).
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Header value by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Sends HTTP requests; injected into S3 and credential clients (``URLSessionTransport`` in
/// production, stubs in tests).
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response. Throws only on transport failure
    /// (connection refused/reset, timeout); HTTP error statuses are returned, not thrown.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Sends `request` and writes a 2xx response body to `destination` (created or replaced);
    /// for other statuses the body is returned in the response and `destination` is untouched.
    func download(_ request: HTTPRequest, to destination: URL) async throws -> HTTPResponse
}
