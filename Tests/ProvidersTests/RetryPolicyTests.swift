import Foundation
import Observability
import Testing
@testable import Providers

/// Retry, backoff and classification against a scripted stub transport and a virtual clock.
@Suite("Retry policy and classification")
struct RetryPolicyTests {
    static let url = URL(string: "https://example.test/v1beta/models/m:generateContent")!

    static func googleError(_ status: Int, _ name: String, details: String = "[]", headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data("""
            {"error":{"code":\(status),"status":"\(name)","message":"fake","details":\(details)}}
            """.utf8))
    }

    static let ok = HTTPResponse(status: 200, body: Data(#"{"v":1}"#.utf8))

    struct Harness {
        let stub: StubTransport
        let clock = ManualProviderClock()
        let client: ProviderHTTPClient

        init(maxAttempts: Int = 5, _ handler: @escaping StubTransport.Handler) {
            stub = StubTransport(handler)
            client = ProviderHTTPClient(transport: stub, configuration: .init(retry: RetryPolicy(maxAttempts: maxAttempts)),
                                        clock: clock, random: ConstantRandomSource(0.5))
        }

        func call() async throws -> Int {
            try await client.perform(context: "test call", makeRequest: { HTTPRequest(method: "POST", url: RetryPolicyTests.url) },
                                     decode: { response in
                                         guard let obj = try? JSONSerialization.jsonObject(with: response.body) as? [String: Int],
                                               let v = obj["v"] else {
                                             throw ProviderError(code: .invalidResponse, message: "bad body")
                                         }
                                         return v
                                     })
        }
    }

    @Test func backoffIsExponentialWithFullJitter() {
        let p = RetryPolicy(maxAttempts: 5, baseDelay: 1, multiplier: 2, maxDelay: 5)
        #expect(p.ceiling(retry: 1) == 1)
        #expect(p.ceiling(retry: 3) == 4)
        #expect(p.ceiling(retry: 4) == 5)
        #expect(p.delay(retry: 3, random: 0.25, serverHint: nil) == 1)
        #expect(p.delay(retry: 1, random: 0.9, serverHint: 7) == 7)
    }

    @Test(arguments: [500, 502, 503, 504, 408])
    func serverErrorsAreRetriedThenSucceed(status: Int) async throws {
        let h = Harness { _, i in i < 2 ? Self.googleError(status, "UNAVAILABLE") : Self.ok }
        #expect(try await h.call() == 1)
        #expect(h.stub.requests.count == 3)
        #expect(h.clock.sleeps == [0.5, 1.0])
    }

    @Test func retryAfterHeaderIsHonoured() async throws {
        let h = Harness { _, i in i == 0 ? Self.googleError(429, "RESOURCE_EXHAUSTED", headers: ["Retry-After": "7"]) : Self.ok }
        #expect(try await h.call() == 1)
        #expect(h.clock.sleeps == [7])
    }

    @Test func retryInfoDelayIsHonoured() async throws {
        let details = #"[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3.5s"}]"#
        let h = Harness { _, i in i == 0 ? Self.googleError(429, "RESOURCE_EXHAUSTED", details: details) : Self.ok }
        #expect(try await h.call() == 1)
        #expect(h.clock.sleeps == [3.5])
    }

    @Test func perDayQuotaFailsFastWithoutRetry() async throws {
        let details = #"[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"20s"}]"#
        let h = Harness { _, _ in Self.googleError(429, "RESOURCE_EXHAUSTED", details: details) }
        let error = await #expect(throws: ProviderError.self) { try await h.call() }
        #expect(error?.code == .quotaExhausted)
        #expect(error?.attempts == 1)
        #expect(h.stub.requests.count == 1)
        #expect(h.clock.sleeps.isEmpty)
    }

    @Test func perDayQuotaStopsLaterCallsWithoutSendingThem() async throws {
        let details = #"[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerDayPerProjectPerModel"}]}]"#
        let h = Harness { _, _ in Self.googleError(429, "RESOURCE_EXHAUSTED", details: details) }
        for _ in 0..<3 {
            let error = await #expect(throws: ProviderError.self) { try await h.call() }
            #expect(error?.code == .quotaExhausted)
        }
        #expect(h.stub.requests.count == 1)
    }

    @Test func rateLimitExhaustsAttemptCap() async throws {
        let h = Harness(maxAttempts: 4) { _, _ in Self.googleError(429, "RESOURCE_EXHAUSTED") }
        let error = await #expect(throws: ProviderError.self) { try await h.call() }
        #expect(error?.code == .rateLimited)
        #expect(error?.attempts == 4)
        #expect(h.stub.requests.count == 4)
        #expect(h.clock.sleeps == [0.5, 1, 2])
    }

    @Test(arguments: [(400, "http"), (404, "http"), (401, "auth"), (403, "auth")])
    func clientErrorsAreNotRetried(status: Int, code: String) async throws {
        let h = Harness { _, _ in Self.googleError(status, "INVALID_ARGUMENT") }
        let error = await #expect(throws: ProviderError.self) { try await h.call() }
        #expect(error?.code == (code == "auth" ? .auth : .http))
        #expect(error?.httpStatus == status)
        #expect(h.stub.requests.count == 1)
    }

    @Test func connectionDropsAndTimeoutsAreRetriedAndClassified() async throws {
        let drops = Harness(maxAttempts: 3) { _, _ in throw ProviderError(code: .transport, message: "connection reset") }
        let e1 = await #expect(throws: ProviderError.self) { try await drops.call() }
        #expect(e1?.code == .transport)
        #expect(drops.stub.requests.count == 3)
        #expect(drops.clock.sleeps == [0.5, 1])

        let timeouts = Harness(maxAttempts: 2) { _, _ in throw ProviderError(code: .timeout, message: "timed out") }
        let e2 = await #expect(throws: ProviderError.self) { try await timeouts.call() }
        #expect(e2?.code == .timeout)
        #expect(e2?.attempts == 2)
    }

    @Test func malformedBodyIsRetried() async throws {
        let h = Harness { _, i in i == 0 ? HTTPResponse(status: 200, body: Data("{\"v\":".utf8)) : Self.ok }
        #expect(try await h.call() == 1)
        #expect(h.stub.requests.count == 2)
    }

    @Test func overlongServerHintFailsInsteadOfSleeping() async throws {
        let h = Harness { _, _ in Self.googleError(503, "UNAVAILABLE", headers: ["Retry-After": "3600"]) }
        let error = await #expect(throws: ProviderError.self) { try await h.call() }
        #expect(error?.code == .http)
        #expect(h.clock.sleeps.isEmpty)
    }

    @Test func retryAfterParsesHTTPDates() {
        #expect(ErrorResponseParser.parseRetryAfter("12") == 12)
        #expect(ErrorResponseParser.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == 0)
        #expect(ErrorResponseParser.parseDuration("37s") == 37)
        #expect(ErrorResponseParser.parseDuration("0.25s") == 0.25)
    }
}

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func requestsPerMinuteSpacesCallsAfterBurst() async throws {
        let clock = ManualProviderClock()
        let limiter = RateLimiter(configuration: .init(requestsPerMinute: 60, burstSeconds: 2), clock: clock)
        var waits: [Double] = []
        for _ in 0..<5 { waits.append(await limiter.reserve(tokenCount: 0)) }
        #expect(waits == [0, 0, 1, 2, 3])
        clock.advance(by: 10)
        #expect(await limiter.reserve(tokenCount: 0) == 0)
    }

    @Test func tokensPerMinuteBucket() async throws {
        let clock = ManualProviderClock()
        let limiter = RateLimiter(configuration: .init(tokensPerMinute: 6000, burstSeconds: 1), clock: clock)
        #expect(await limiter.reserve(tokenCount: 100) == 0)   // capacity 100 tokens
        #expect(await limiter.reserve(tokenCount: 50) == 0.5)   // 50 tokens at 100/s
        try await limiter.acquire(tokenCount: 100)
        #expect(clock.sleeps == [1.5])
    }

    @Test func concurrencyLimiterBoundsInFlightCalls() async throws {
        let limiter = ConcurrencyLimiter(limit: 3)
        let counter = InFlightCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await limiter.withSlot {
                        await counter.enter()
                        try await Task.sleep(nanoseconds: 2_000_000)
                        await counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await counter.peak == 3)
    }
}

actor InFlightCounter {
    private(set) var current = 0
    private(set) var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}
