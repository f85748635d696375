import Foundation

/// Capped exponential backoff with full jitter (AWS architecture blog), honouring server hints.
///
/// The wait before retry `n` (1-based) is `random × min(maxDelay, baseDelay × multiplier^(n-1))`,
/// raised to the server's `Retry-After` / `RetryInfo.retryDelay` when that is longer (a server
/// hint above `maxHintDelay` makes the call fail instead of sleeping for minutes).
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Total attempts including the first (1 disables retries).
    public var maxAttempts: Int
    /// First backoff ceiling in seconds.
    public var baseDelay: Double
    /// Growth factor per attempt.
    public var multiplier: Double
    /// Ceiling of a backoff step in seconds.
    public var maxDelay: Double
    /// Longest server-requested wait we accept; longer ones fail the call.
    public var maxHintDelay: Double

    /// Creates a policy (defaults match the google-genai SDK: 5 attempts, 1 s × 2, max 60 s).
    public init(maxAttempts: Int = 5, baseDelay: Double = 1, multiplier: Double = 2, maxDelay: Double = 60,
                maxHintDelay: Double = 120) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxHintDelay = maxHintDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff ceiling before retry number `retry` (1-based).
    public func ceiling(retry: Int) -> Double {
        min(maxDelay, baseDelay * pow(multiplier, Double(max(0, retry - 1))))
    }

    /// The wait before retry number `retry`, given a uniform `random` in [0,1) and an optional server hint.
    public func delay(retry: Int, random: Double, serverHint: Double?) -> Double {
        let jittered = random * ceiling(retry: retry)
        guard let hint = serverHint else { return jittered }
        return max(hint, jittered)
    }

    /// HTTP statuses that are retried: 408, 429, 500, 502, 503, 504.
    public static func isRetryable(status: Int) -> Bool {
        [408, 429, 500, 502, 503, 504].contains(status)
    }

    /// Error codes that are retried (HTTP errors only when their status is retryable).
    public static func isRetryable(_ error: ProviderError) -> Bool {
        switch error.code {
        case .rateLimited, .transport, .timeout, .invalidResponse: return true
        case .http: return error.httpStatus.map(isRetryable(status:)) ?? false
        default: return false
        }
    }
}
