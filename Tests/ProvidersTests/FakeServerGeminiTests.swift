import Foundation
import Observability
import Testing
@testable import Providers

/// The real Gemini/Vertex clients against the loopback fake (skipped when the start script did not run;
/// `bash scripts/test.sh` always starts it).
@Suite("Gemini API and Vertex against the fake server", .enabled(if: FakeLLMServer.available))
struct FakeServerGeminiTests {
    let server = FakeLLMServer()

    @Test func generateContentRoundTripAndTokenTotalsMatchServer() async throws {
        let model = FakeLLMServer.uniqueModel("gen")
        let generator = GeminiGenerator(client: server.gemini(server.http()), options: .init(model: model))
        var total = TokenUsage()
        for i in 0..<3 {
            let result = try await generator.generate(Fixtures.request(key: "shop-\(i)"))
            #expect(result.output.summary.contains("한옥집"))
            #expect(result.finishReason == "STOP")
            total = total + result.usage
        }
        let stats = try await server.stats(model: model)
        #expect(stats["prompt_tokens"] as? Int == total.promptTokens)
        #expect(stats["total_tokens"] as? Int == total.totalTokens)
        #expect((stats["per_key"] as? [String: Int])?["shop-2"] == 1)
    }

    @Test func batchEmbedContentsReturnsUnitVectorsInOrder() async throws {
        let model = FakeLLMServer.uniqueModel("emb")
        let embedder = GeminiEmbedder(client: server.gemini(server.http()), model: model, dimension: 256, batchSize: 2)
        let texts = ["김치찜 맛집", "오마카세 카운터", "웨이팅 핫플", "김치찜 맛집"]
        let vectors = try await embedder.embed(texts, task: .retrievalDocument)
        #expect(vectors.count == 4)
        #expect(vectors.allSatisfy { $0.count == 256 && abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4 })
        #expect(vectors[0] == vectors[3])
        #expect(vectors[0] != vectors[1])
        let stats = try await server.stats(model: model)
        #expect((stats["by_kind"] as? [String: Int])?["embed"] == 2)  // chunks of 2
    }

    @Test func scriptedFaultsAreRetriedWithServerHintedWaits() async throws {
        let model = FakeLLMServer.uniqueModel("faults")
        try await server.setFaults(model: model, #"{"script": ["429_retry_info", "503", "malformed", "drop", "ok"], "retry_delay": "0.3s"}"#)
        let clock = RecordingClock()
        let generator = GeminiGenerator(client: server.gemini(server.http(retry: RetryPolicy(maxAttempts: 5, baseDelay: 0.02, maxDelay: 0.1), clock: clock)),
                                        options: .init(model: model))
        let result = try await generator.generate(Fixtures.request())
        #expect(!result.output.summary.isEmpty)
        #expect(clock.sleeps.count == 4)
        #expect(clock.sleeps[0] >= 0.3)          // RetryInfo.retryDelay honoured
        #expect(clock.sleeps.dropFirst().allSatisfy { $0 <= 0.1 })
        let stats = try await server.stats(model: model)
        #expect(stats["requests"] as? Int == 5)
    }

    @Test func perDayQuotaFailsFastAgainstServer() async throws {
        let model = FakeLLMServer.uniqueModel("rpd")
        try await server.setFaults(model: model, #"{"script": ["429_per_day", "ok"]}"#)
        let generator = GeminiGenerator(client: server.gemini(server.http()), options: .init(model: model))
        let error = await #expect(throws: ProviderError.self) { try await generator.generate(Fixtures.request()) }
        #expect(error?.code == .quotaExhausted)
        #expect(try await server.stats(model: model)["requests"] as? Int == 1)
    }

    @Test func timeoutIsClassifiedAfterRetries() async throws {
        let model = FakeLLMServer.uniqueModel("slow")
        try await server.setFaults(model: model, #"{"script": ["timeout", "timeout"], "timeout_s": 1.5}"#)
        let generator = GeminiGenerator(client: server.gemini(server.http(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), timeout: 0.4)),
                                        options: .init(model: model))
        let error = await #expect(throws: ProviderError.self) { try await generator.generate(Fixtures.request()) }
        #expect(error?.code == .timeout)
        #expect(error?.attempts == 2)
    }

    @Test(arguments: ["blocked", "empty", "max_tokens", "bad_json"])
    func contentFailuresAreClassified(fault: String) async throws {
        let model = FakeLLMServer.uniqueModel(fault.replacingOccurrences(of: "_", with: "-"))
        try await server.setFaults(model: model, #"{"script": ["\#(fault)", "\#(fault)"]}"#)
        let generator = GeminiGenerator(client: server.gemini(server.http()), options: .init(model: model))
        let error = await #expect(throws: ProviderError.self) { try await generator.generate(Fixtures.request()) }
        let expected: [String: ProviderError.Code] = ["blocked": .blocked, "empty": .emptyCandidates,
                                                      "max_tokens": .maxTokens, "bad_json": .schemaMismatch]
        #expect(error?.code == expected[fault])
    }

    @Test func badJSONIsRepairedByOneRetry() async throws {
        let model = FakeLLMServer.uniqueModel("repair")
        try await server.setFaults(model: model, #"{"script": ["bad_json", "ok"]}"#)
        let generator = GeminiGenerator(client: server.gemini(server.http()), options: .init(model: model))
        let result = try await generator.generate(Fixtures.request())
        #expect(result.output.summary.contains("한옥집"))
        #expect(try await server.stats(model: model)["ok"] as? Int == 2)
    }

    @Test func secretsNeverAppearInErrorsOrLogs() async throws {
        let wrongKey = "wrong-secret-key-\(UUID().uuidString)"
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test", level: .trace, handler: logs)
        let model = FakeLLMServer.uniqueModel("secret")
        try await server.setFaults(model: model, #"{"script": ["503", "503", "503", "503", "503"]}"#)
        var texts: [String] = []
        for key in [wrongKey, server.apiKey] {
            let http = server.http(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01), logger: logger, secrets: [key])
            let generator = GeminiGenerator(client: server.gemini(http, key: key), options: .init(model: model))
            do {
                _ = try await generator.generate(Fixtures.request())
                Issue.record("expected a failure")
            } catch let error as ProviderError {
                texts.append(error.description)
                texts.append(String(describing: error))
            }
        }
        texts += logs.records.map { "\($0.event) \($0.metadata)" }
        #expect(!logs.records.isEmpty)
        for text in texts {
            #expect(!text.contains(wrongKey))
            #expect(!text.contains(server.apiKey))
        }
        #expect(texts.contains { $0.contains("HTTP 400") })
    }
}

@Suite("Vertex AI against the fake server", .enabled(if: FakeLLMServer.available && FakeLLMServer.env["SHOP_SUMMARY_TEST_SA_KEY_FILE"] != nil))
struct FakeServerVertexTests {
    let server = FakeLLMServer()

    func tokenProvider(_ http: ProviderHTTPClient) throws -> ServiceAccountTokenProvider {
        let key = try ServiceAccountKey.load(from: URL(fileURLWithPath: try #require(server.saKeyFile)))
        return ServiceAccountTokenProvider(key: key, http: http)
    }

    @Test func serviceAccountJWTIsExchangedOnceAndUsedForGenerateAndEmbed() async throws {
        let http = server.http()
        let tokens = try tokenProvider(http)
        let client = GeminiClient(endpoint: .vertex(project: "fake-project", location: "asia-northeast3", root: server.root),
                                  auth: .oauth(tokens), http: http)
        let model = FakeLLMServer.uniqueModel("vx")
        let result = try await GeminiGenerator(client: client, options: .init(model: model)).generate(Fixtures.request())
        #expect(result.output.summary.contains("한옥집"))
        let embedder = GeminiEmbedder(client: client, model: model, dimension: 128)
        let vectors = try await embedder.embed(["a 김치", "b 국밥", "c 초밥"], task: .retrievalQuery)
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 128 })
        #expect(embedder.descriptor.description == "vertex/\(model)@128")
        #expect(await tokens.exchanges == 1)
    }

    @Test func tokenIsRefreshedBeforeExpiry() async throws {
        let clock = ManualProviderClock()
        let http = ProviderHTTPClient(transport: FakeLLMServer.transport, clock: clock)
        let tokens = try tokenProvider(http)
        let first = try await tokens.accessToken()
        clock.advance(by: 3000)   // 3599 s lifetime, 300 s margin: still fresh
        #expect(try await tokens.accessToken() == first)
        clock.advance(by: 400)
        #expect(try await tokens.accessToken() != first)
        #expect(await tokens.exchanges == 2)
    }

    @Test func assertionSignedWithAnotherKeyIsRejected() async throws {
        var key = try ServiceAccountKey.load(from: URL(fileURLWithPath: try #require(server.saKeyFile)))
        key.clientEmail = "someone-else@fake-project.iam.gserviceaccount.com"
        let tokens = ServiceAccountTokenProvider(key: key, http: server.http())
        let error = await #expect(throws: ProviderError.self) { try await tokens.accessToken() }
        #expect(error?.code == .auth)
        #expect(error?.message.contains("BEGIN PRIVATE KEY") == false)
    }

    @Test func metadataServerTokens() async throws {
        let host = try #require(server.root.host).appending(":\(server.root.port ?? 80)")
        let provider = MetadataServerTokenProvider(host: host, http: server.http())
        let token = try await provider.accessToken()
        #expect(token.hasPrefix("ya29."))
    }
}
