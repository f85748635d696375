import Foundation

/// Client-side RPM and TPM token buckets shared by every call of one provider.
///
/// Reservations are made in order inside the actor and the caller sleeps outside it, so waiting
/// callers never block others' bookkeeping and are served first come, first served. A bucket's
/// level may go negative: later callers then wait for the debt to refill.
public actor RateLimiter {
    /// Limits; `nil` disables a bucket.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Requests per minute.
        public var requestsPerMinute: Double?
        /// Input tokens per minute.
        public var tokensPerMinute: Double?
        /// Bucket capacity in seconds of refill (burst size).
        public var burstSeconds: Double

        /// Creates a configuration.
        public init(requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil, burstSeconds: Double = 1) {
            self.requestsPerMinute = requestsPerMinute
            self.tokensPerMinute = tokensPerMinute
            self.burstSeconds = burstSeconds
        }
    }

    private struct Bucket {
        let ratePerSecond: Double
        let capacity: Double
        var level: Double
        var updated: Double

        mutating func reserve(_ amount: Double, now: Double) -> Double {
            level = min(capacity, level + (now - updated) * ratePerSecond)
            updated = now
            let wait = level >= amount ? 0 : (amount - level) / ratePerSecond
            level -= amount
            return wait
        }
    }

    private var requests: Bucket?
    private var tokens: Bucket?
    private let clock: any ProviderClock

    /// Creates a limiter.
    public init(configuration: Configuration, clock: any ProviderClock = SystemProviderClock()) {
        self.clock = clock
        let now = clock.now()
        func bucket(_ perMinute: Double?) -> Bucket? {
            guard let perMinute, perMinute > 0 else { return nil }
            let rate = perMinute / 60
            let cap = max(1, rate * configuration.burstSeconds)
            return Bucket(ratePerSecond: rate, capacity: cap, level: cap, updated: now)
        }
        requests = bucket(configuration.requestsPerMinute)
        tokens = bucket(configuration.tokensPerMinute)
    }

    /// Reserves one request and `tokenCount` tokens; returns the seconds the caller must wait.
    public func reserve(tokenCount: Int) -> Double {
        let now = clock.now()
        var wait = 0.0
        if var r = requests {
            wait = max(wait, r.reserve(1, now: now))
            requests = r
        }
        if var t = tokens {
            wait = max(wait, t.reserve(min(Double(tokenCount), t.capacity), now: now))
            tokens = t
        }
        return wait
    }

    /// Reserves and sleeps until the reservation is due.
    public nonisolated func acquire(tokenCount: Int) async throws {
        let wait = await reserve(tokenCount: tokenCount)
        if wait > 0 { try await clock.sleep(seconds: wait) }
    }
}
