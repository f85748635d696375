import Foundation

/// Turns a non-2xx HTTP response (Google or OpenAI error body) into a classified ``ProviderError``
/// plus the server's retry hint.
public enum ErrorResponseParser {
    /// The classification of one failed response.
    public struct Failure: Sendable {
        /// The error to throw if no retry follows.
        public var error: ProviderError
        /// Seconds the server asked us to wait (`Retry-After` or `RetryInfo.retryDelay`).
        public var retryAfter: Double?
    }

    /// Classifies `response`; `context` names the operation (e.g. `gemini generateContent gemini-2.5-flash`).
    public static func classify(_ response: HTTPResponse, context: String, redactor: SecretRedactor) -> Failure {
        let status = response.status
        var message = ""
        var statusText = ""
        var retryDelay: Double?
        var perDay = false
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
           let error = object["error"] as? [String: Any] {
            message = error["message"] as? String ?? ""
            statusText = error["status"] as? String ?? (error["type"] as? String ?? "")
            for detail in error["details"] as? [[String: Any]] ?? [] {
                let type = detail["@type"] as? String ?? ""
                if type.hasSuffix("google.rpc.RetryInfo"), let text = detail["retryDelay"] as? String {
                    retryDelay = parseDuration(text)
                }
                if type.hasSuffix("google.rpc.QuotaFailure") {
                    for violation in detail["violations"] as? [[String: Any]] ?? [] {
                        let id = (violation["quotaId"] as? String ?? "") + (violation["quotaMetric"] as? String ?? "")
                        if id.range(of: "PerDay", options: .caseInsensitive) != nil { perDay = true }
                    }
                }
            }
        }
        let hint = retryDelay ?? response.header("retry-after").flatMap(parseRetryAfter)
        let detail = message.isEmpty ? "" : ": " + String(redactor.redact(message).prefix(300))
        let text = "\(context) → HTTP \(status)\(statusText.isEmpty ? "" : " \(statusText)")\(detail)"
        let code: ProviderError.Code
        switch status {
        case 429 where perDay: code = .quotaExhausted
        case 429: code = .rateLimited
        case 401, 403: code = .auth
        case 408, 504: code = .timeout
        default: code = .http
        }
        return Failure(error: ProviderError(code: code, message: text, httpStatus: status), retryAfter: hint)
    }

    /// Parses a protobuf JSON duration such as `37s` or `1.5s`.
    public static func parseDuration(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix("s") else { return Double(trimmed) }
        return Double(trimmed.dropLast())
    }

    /// Parses `Retry-After`: delta seconds or an HTTP date.
    public static func parseRetryAfter(_ text: String) -> Double? {
        if let seconds = Double(text.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }
}

/// Removes known secrets (keys, tokens) from any text before it reaches an error or a log.
public struct SecretRedactor: Sendable {
    private let secrets: [String]

    /// Creates a redactor for `secrets` (empty and very short strings are ignored).
    public init(secrets: [String]) { self.secrets = secrets.filter { $0.count >= 6 } }

    /// Returns `text` with every secret replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets { result = result.replacingOccurrences(of: secret, with: "[REDACTED]") }
        return result
    }
}
