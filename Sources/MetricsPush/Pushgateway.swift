import Foundation
import Observability
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Pushes a registry to a Prometheus Pushgateway (`PUT /metrics/job/<job>/<label>/<value>…`).
public struct Pushgateway: Sendable {
    /// Base URL, e.g. `http://pushgateway:9091`.
    public var baseURL: URL
    /// Job name.
    public var job: String
    /// Grouping labels (e.g. `category`, `run_id`).
    public var grouping: [String: String]

    public init(baseURL: URL, job: String = "shop_summary", grouping: [String: String] = [:]) {
        self.baseURL = baseURL
        self.job = job
        self.grouping = grouping
    }

    /// The push URL with path-escaped job and grouping labels.
    public var pushURL: URL {
        var path = "metrics/job/\(escape(job))"
        for key in grouping.keys.sorted() { path += "/\(escape(key))/\(escape(grouping[key] ?? ""))" }
        return baseURL.appendingPathComponent(path)
    }

    /// Replaces this group's metrics with the registry's content.
    /// - Throws: `PushgatewayError` on a transport failure or a non-2xx answer.
    public func push(_ registry: MetricsRegistry, session: URLSession = .shared, timeout: TimeInterval = 10) async throws {
        var request = URLRequest(url: pushURL, timeoutInterval: timeout)
        request.httpMethod = "PUT"
        request.setValue("text/plain; version=0.0.4", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(registry.render().utf8)
        let (_, response): (Data, URLResponse)
        do {
            (_, response) = try await session.data(for: request)
        } catch {
            throw PushgatewayError(message: "push to \(pushURL.absoluteString) failed: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw PushgatewayError(message: "push to \(pushURL.absoluteString) answered HTTP \(status)")
        }
    }

    private func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? text
    }
}

/// A failed push.
public struct PushgatewayError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
