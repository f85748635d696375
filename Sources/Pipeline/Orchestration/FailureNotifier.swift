import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Observability

/// Posts a Slack-compatible JSON message (`{"text": …}`) to a webhook URL when a run fails.
/// Delivery problems are logged, never fatal. The URL is never logged (webhooks embed secrets).
public struct FailureNotifier: Sendable {
    public var url: URL
    public var timeout: TimeInterval
    public var logger: Logger

    public init(url: URL, timeout: TimeInterval = 10, logger: Logger = .disabled()) {
        self.url = url
        self.timeout = timeout
        self.logger = logger
    }

    /// The message body for failed steps.
    public static func payload(runID: String, steps: [RunReport.Step], report: String?) -> Data {
        let failed = steps.filter { $0.status != "ok" }
        var text = ":x: shop-summary run \(runID) failed"
        for step in failed {
            text += "\n• \(step.name): \(step.status)"
            if let error = step.error { text += " (\(error.prefix(300)))" }
        }
        if let report { text += "\nreport: \(report)" }
        let body: [String: String] = ["text": text]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// Sends the message; returns whether the server answered 2xx.
    @discardableResult
    public func send(_ body: Data) async -> Bool {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if (200..<300).contains(status) { return true }
            logger.warning("notify.rejected", ["http.status": .int(status)])
        } catch {
            logger.warning("notify.failed", ["error.short": .string(String(describing: type(of: error)))])
        }
        return false
    }
}
