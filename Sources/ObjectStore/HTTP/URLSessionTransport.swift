import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``HTTPTransport`` over one long-lived `URLSession` (FoundationNetworking/libcurl on Linux).
///
/// Use ``shared``: sessions created and invalidated often have crashed in the field, so the process
/// keeps one. Uploads of files use `upload(for:fromFile:)` (a `httpBodyStream` with a manual
/// `Content-Length` is broken on Linux).
public final class URLSessionTransport: HTTPTransport {
    /// Timeouts and connection limits.
    public struct Configuration: Sendable {
        /// Idle timeout per request (no bytes for this long → URLError.timedOut, retried by S3).
        /// Also bounds how long a silently dead keep-alive connection can stall a request.
        public var requestTimeout: TimeInterval = 30
        /// Upper bound for a whole request including the body transfer.
        public var resourceTimeout: TimeInterval = 3600
        /// Raised from URLSession's default of 6 so parallel part uploads are not capped.
        public var maxConnectionsPerHost: Int = 64

        /// Defaults: 30 s idle, 1 h total, 64 connections per host.
        public init() {}
    }

    /// The process-wide transport.
    public static let shared = URLSessionTransport(configuration: .init())

    // URLSession is thread-safe; the reference is immutable after init.
    private let session: URLSession

    /// Creates a transport with its own session; prefer ``shared``.
    public init(configuration: Configuration) {
        let config = URLSessionConfiguration.default
        config.timeoutIntervalForRequest = configuration.requestTimeout
        config.timeoutIntervalForResource = configuration.resourceTimeout
        config.httpMaximumConnectionsPerHost = configuration.maxConnectionsPerHost
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.httpCookieStorage = nil
        session = URLSession(configuration: config)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let urlRequest = makeRequest(request)
        let (data, response): (Data, URLResponse)
        switch request.body {
        case .empty:
            (data, response) = try await session.data(for: urlRequest)
        case .data(let body):
            (data, response) = try await session.upload(for: urlRequest, from: body)
        case .file(let url):
            (data, response) = try await session.upload(for: urlRequest, fromFile: url)
        }
        return Self.convert(response, body: data)
    }

    public func download(_ request: HTTPRequest, to destination: URL) async throws -> HTTPResponse {
        let (temp, response) = try await session.download(for: makeRequest(request))
        defer { try? FileManager.default.removeItem(at: temp) }
        var converted = Self.convert(response, body: Data())
        if (200..<300).contains(converted.status) {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.moveItem(at: temp, to: destination)
        } else {
            converted.body = (try? Data(contentsOf: temp)) ?? Data()
        }
        return converted
    }

    private func makeRequest(_ request: HTTPRequest) -> URLRequest {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        return urlRequest
    }

    private static func convert(_ response: URLResponse, body: Data) -> HTTPResponse {
        guard let http = response as? HTTPURLResponse else { return HTTPResponse(status: 0, body: body) }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: body)
    }
}
