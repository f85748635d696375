import Foundation
import Synchronization

/// An in-memory ``HTTPTransport`` that answers from a handler and records every request.
/// Used by tests to check request building and to script failures.
public final class StubTransport: HTTPTransport {
    /// Produces a response (or throws a transport error) for a request and its 0-based index.
    public typealias Handler = @Sendable (HTTPRequest, Int) throws -> HTTPResponse

    private let handler: Handler
    private let recorded = Mutex<[HTTPRequest]>([])

    /// Creates a stub answering with `handler`.
    public init(_ handler: @escaping Handler) { self.handler = handler }

    /// Creates a stub that replays `responses` in order (the last one repeats).
    public convenience init(responses: [HTTPResponse]) {
        self.init { _, index in
            guard !responses.isEmpty else { return HTTPResponse(status: 500) }
            return responses[min(index, responses.count - 1)]
        }
    }

    /// Every request sent so far, in order.
    public var requests: [HTTPRequest] { recorded.withLock { $0 } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = recorded.withLock { list -> Int in
            list.append(request)
            return list.count - 1
        }
        return try handler(request, index)
    }
}
