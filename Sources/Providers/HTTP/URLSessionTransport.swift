import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// ``HTTPTransport`` over one long-lived `URLSession` (a raised per-host connection limit,
/// no cookies, no cache). Create one per process and share it.
public final class URLSessionTransport: HTTPTransport {
    /// Transport settings.
    public struct Configuration: Sendable {
        /// Connections per host; URLSession's default of 6 would silently cap concurrency.
        public var maxConnectionsPerHost: Int
        /// Resource timeout in seconds (upper bound for a whole call).
        public var resourceTimeout: Double

        /// Creates a configuration.
        public init(maxConnectionsPerHost: Int = 64, resourceTimeout: Double = 600) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.resourceTimeout = resourceTimeout
        }
    }

    // URLSession is thread-safe and documented as Sendable on Darwin; immutable `let`.
    private let session: URLSession

    /// Creates the transport and its session.
    public init(configuration: Configuration = .init()) {
        let config = URLSessionConfiguration.ephemeral
        config.httpMaximumConnectionsPerHost = configuration.maxConnectionsPerHost
        config.timeoutIntervalForResource = configuration.resourceTimeout
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.httpShouldSetCookies = false
        config.urlCache = nil
        session = URLSession(configuration: config)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends a request; maps `URLError` to `.timeout` / `.transport` / `.cancelled`.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = request.timeout
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw ProviderError(code: .invalidResponse, message: "non-HTTP response from \(request.redactedURL)")
            }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let k = key as? String, let v = value as? String { headers[k.lowercased()] = v }
            }
            return HTTPResponse(status: http.statusCode, headers: headers, body: data)
        } catch let error as ProviderError {
            throw error
        } catch let error as URLError {
            let where_ = "\(request.method) \(request.redactedURL)"
            switch error.code {
            case .timedOut:
                throw ProviderError(code: .timeout, message: "\(where_) timed out after \(request.timeout)s")
            case .cancelled:
                throw ProviderError(code: .cancelled, message: "\(where_) cancelled")
            default:
                throw ProviderError(code: .transport, message: "\(where_) failed: URLError \(error.code.rawValue)")
            }
        } catch is CancellationError {
            throw ProviderError(code: .cancelled, message: "\(request.method) \(request.redactedURL) cancelled")
        } catch {
            throw ProviderError(code: .transport,
                                message: "\(request.method) \(request.redactedURL) failed: \(type(of: error))")
        }
    }
}
