import Foundation
import Observability
import Synchronization

/// Sends provider calls with rate limiting, bounded concurrency, classification and retries.
///
/// One instance per provider is shared by all its generators/embedders (it holds the buckets).
public struct ProviderHTTPClient: Sendable {
    /// Reliability settings.
    public struct Configuration: Sendable {
        /// Retry policy.
        public var retry: RetryPolicy
        /// Client-side RPM/TPM limits.
        public var rateLimits: RateLimiter.Configuration
        /// Maximum concurrent HTTP calls.
        public var maxConcurrentRequests: Int
        /// Per-call timeout in seconds.
        public var timeout: Double

        /// Creates a configuration.
        public init(retry: RetryPolicy = .init(), rateLimits: RateLimiter.Configuration = .init(),
                    maxConcurrentRequests: Int = 16, timeout: Double = 60) {
            self.retry = retry
            self.rateLimits = rateLimits
            self.maxConcurrentRequests = maxConcurrentRequests
            self.timeout = timeout
        }
    }

    /// The transport.
    public let transport: any HTTPTransport
    /// Settings.
    public let configuration: Configuration
    /// Clock and sleeper.
    public let clock: any ProviderClock
    /// Jitter source.
    public let random: any RandomSource
    /// Scrubs secrets from messages.
    public let redactor: SecretRedactor
    /// Logger (never given header values).
    public let logger: Logger
    private let limiter: RateLimiter
    private let slots: ConcurrencyLimiter
    /// Set by the first per-day quota error: later calls fail at once without a request
    /// (the quota resets at midnight Pacific; retrying each shop would only burn time).
    private let quotaLatch = QuotaLatch()

    /// Creates a client.
    public init(transport: any HTTPTransport, configuration: Configuration = .init(),
                clock: any ProviderClock = SystemProviderClock(), random: any RandomSource = SystemRandomSource(),
                redactor: SecretRedactor = SecretRedactor(secrets: []), logger: Logger = .disabled()) {
        self.transport = transport
        self.configuration = configuration
        self.clock = clock
        self.random = random
        self.redactor = redactor
        self.logger = logger
        limiter = RateLimiter(configuration: configuration.rateLimits, clock: clock)
        slots = ConcurrencyLimiter(limit: configuration.maxConcurrentRequests)
    }

    /// Performs one logical call.
    /// - Parameters:
    ///   - context: Names the operation for messages (`gemini generateContent gemini-2.5-flash`).
    ///   - estimatedTokens: Input tokens charged to the TPM bucket.
    ///   - makeRequest: Builds the request for each attempt (tokens may be refreshed between attempts).
    ///   - decode: Parses a 2xx response; throwing `.invalidResponse` retries, other codes do not.
    /// - Throws: ``ProviderError`` with `attempts` set.
    public func perform<T: Sendable>(
        context: String, estimatedTokens: Int = 0,
        makeRequest: @Sendable () async throws -> HTTPRequest,
        decode: @Sendable (HTTPResponse) throws -> T
    ) async throws -> T {
        if var tripped = quotaLatch.error {
            tripped.attempts = 0
            tripped.message = "\(context): not sent, an earlier call hit the per-day quota (\(tripped.message))"
            throw tripped
        }
        var attempt = 0
        while true {
            attempt += 1
            var hint: Double?
            let failure: ProviderError
            do {
                try await limiter.acquire(tokenCount: estimatedTokens)
                var built = try await makeRequest()
                built.timeout = configuration.timeout
                let request = built
                let response = try await slots.withSlot { try await transport.send(request) }
                if (200..<300).contains(response.status) {
                    return try decode(response)
                }
                let classified = ErrorResponseParser.classify(response, context: context, redactor: redactor)
                hint = classified.retryAfter
                failure = classified.error
            } catch let error as ProviderError {
                failure = error
            } catch is CancellationError {
                throw ProviderError(code: .cancelled, message: "\(context) cancelled", attempts: attempt)
            } catch {
                failure = ProviderError(code: .transport, message: "\(context): \(type(of: error))")
            }
            var final = failure
            final.message = redactor.redact(final.message)
            final.attempts = attempt
            let tooLong = (hint ?? 0) > configuration.retry.maxHintDelay
            if final.code == .quotaExhausted { quotaLatch.trip(final) }
            guard RetryPolicy.isRetryable(final), attempt < configuration.retry.maxAttempts, !tooLong else {
                logger.warning("provider call failed", ["llm.call": .string(context), "error.short": .string(final.shortDescription),
                                                       "attempts": .int(attempt)])
                throw final
            }
            let wait = configuration.retry.delay(retry: attempt, random: random.nextUnit(), serverHint: hint)
            logger.debug("provider call retry", ["llm.call": .string(context), "error.short": .string(final.shortDescription),
                                                "retry.wait_ms": .int(Int(wait * 1000))])
            do {
                try await clock.sleep(seconds: wait)
            } catch {
                throw ProviderError(code: .cancelled, message: "\(context) cancelled while backing off", attempts: attempt)
            }
        }
    }
}

/// Remembers the first per-day quota error of a client.
final class QuotaLatch: Sendable {
    private let state = Mutex<ProviderError?>(nil)
    var error: ProviderError? { state.withLock { $0 } }
    func trip(_ error: ProviderError) { state.withLock { if $0 == nil { $0 = error } } }
}
