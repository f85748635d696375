import Foundation

/// The public error of the `Providers` module (one struct with a code, message and cause).
///
/// Messages name the provider, model, endpoint path and HTTP status, never keys or tokens.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case rateLimited = "rate limited"
            case quotaExhausted = "daily quota exhausted"
            case blocked = "prompt blocked"
            case emptyCandidates = "empty candidates"
            case maxTokens = "output truncated at max tokens"
            case schemaMismatch = "output does not match schema"
            case http = "http error"
            case transport = "transport error"
            case timeout = "timeout"
            case auth = "authentication failed"
            case invalidResponse = "invalid response"
            case configuration = "invalid provider configuration"
            case batchFailed = "batch job failed"
            case io = "local I/O error"
            case cancelled = "cancelled"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// 429 or similar, retried until attempts run out.
        public static let rateLimited = Code(.rateLimited)
        /// A per-day quota (RPD) is used up: not retried, the shard fails fast.
        public static let quotaExhausted = Code(.quotaExhausted)
        /// HTTP 200 with `promptFeedback.blockReason` or a safety finish reason.
        public static let blocked = Code(.blocked)
        /// No candidates / no text in the response.
        public static let emptyCandidates = Code(.emptyCandidates)
        /// The model stopped at `maxOutputTokens` (`MAX_TOKENS` / `length`).
        public static let maxTokens = Code(.maxTokens)
        /// The text is not JSON or does not match the requested schema (after one repair retry).
        public static let schemaMismatch = Code(.schemaMismatch)
        /// A non-retryable or exhausted HTTP error status.
        public static let http = Code(.http)
        /// Connection refused/reset, DNS and similar network failures.
        public static let transport = Code(.transport)
        /// The per-call timeout fired.
        public static let timeout = Code(.timeout)
        /// 401/403, or a token exchange that failed.
        public static let auth = Code(.auth)
        /// The response body is not the documented shape.
        public static let invalidResponse = Code(.invalidResponse)
        /// Missing key/project, bad config file, unknown provider name.
        public static let configuration = Code(.configuration)
        /// A batch job ended FAILED/CANCELLED/EXPIRED.
        public static let batchFailed = Code(.batchFailed)
        /// Local file errors (embedding cache, price table, key file).
        public static let io = Code(.io)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context (provider, path, status); never contains secrets.
    public var message: String
    /// HTTP status when one was received.
    public var httpStatus: Int?
    /// Attempts made before giving up (1 = no retry).
    public var attempts: Int
    /// Underlying error, if any (already scrubbed of secrets).
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, httpStatus: Int? = nil, attempts: Int = 1,
                cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.cause = cause
    }

    /// Short, value-free description for logs and metrics.
    public var shortDescription: String { code.description }

    public var description: String {
        var text = "\(code): \(message)"
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    /// True for codes a caller may retry later (rate limits, 5xx, network, timeouts).
    public var isTransient: Bool {
        [.rateLimited, .transport, .timeout].contains(code) || (code == .http && (httpStatus ?? 0) >= 500)
    }
}
