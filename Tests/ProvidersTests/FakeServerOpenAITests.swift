import Foundation
import Testing
@testable import Providers

@Suite("OpenAI-compatible against the fake server", .enabled(if: FakeLLMServer.available))
struct FakeServerOpenAITests {
    let server = FakeLLMServer()

    func client(key: String? = nil, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.01)) -> OpenAICompatibleClient {
        OpenAICompatibleClient(baseURL: server.root.appendingPathComponent("openai/v1"), apiKey: key ?? server.openAIKey,
                               http: server.http(retry: retry, secrets: [key ?? server.openAIKey]))
    }

    @Test func chatCompletionWithJSONSchema() async throws {
        let model = FakeLLMServer.uniqueModel("oa")
        let generator = OpenAICompatibleGenerator(client: client(), model: model)
        let result = try await generator.generate(Fixtures.request(key: "shop-9"))
        #expect(result.output.summary.contains("한옥집"))
        #expect(result.finishReason == "stop")
        let stats = try await server.stats(model: model)
        #expect(stats["total_tokens"] as? Int == result.usage.totalTokens)
        #expect((stats["per_key"] as? [String: Int])?["shop-9"] == 1)
        #expect(generator.descriptor == GeneratorDescriptor(provider: "openai", model: model))
    }

    @Test func requestBodyUsesJSONSchemaResponseFormat() {
        let body = OpenAICompatibleGenerator(client: client(), model: "m").body(for: Fixtures.request())
        #expect(body.messages.map(\.role) == ["system", "user"])
        #expect(body.response_format?.type == "json_schema")
        #expect(body.response_format?.json_schema?.strict == true)
        #expect(body.max_tokens == 512)
    }

    @Test(arguments: [("max_tokens", "maxTokens"), ("safety", "blocked"), ("empty", "emptyCandidates"), ("bad_json", "schemaMismatch")])
    func failuresAreClassified(fault: String, code: String) async throws {
        let model = FakeLLMServer.uniqueModel("oaf")
        try await server.setFaults(model: model, #"{"script": ["\#(fault)", "\#(fault)"]}"#)
        let error = await #expect(throws: ProviderError.self) {
            try await OpenAICompatibleGenerator(client: client(), model: model).generate(Fixtures.request())
        }
        let codes: [String: ProviderError.Code] = ["maxTokens": .maxTokens, "blocked": .blocked,
                                                   "emptyCandidates": .emptyCandidates, "schemaMismatch": .schemaMismatch]
        #expect(error?.code == codes[code])
    }

    @Test func retryAfterOn429IsHonoured() async throws {
        let model = FakeLLMServer.uniqueModel("oa429")
        try await server.setFaults(model: model, #"{"script": ["429", "ok"], "retry_after": 0.2}"#)
        let clock = RecordingClock()
        let c = OpenAICompatibleClient(baseURL: server.root.appendingPathComponent("openai/v1"), apiKey: server.openAIKey,
                                       http: server.http(clock: clock))
        _ = try await OpenAICompatibleGenerator(client: c, model: model).generate(Fixtures.request())
        #expect(clock.sleeps.count == 1 && clock.sleeps[0] >= 0.2)
    }

    @Test func embeddingsAreOrderedByIndexAndNormalised() async throws {
        let model = FakeLLMServer.uniqueModel("oae")
        let embedder = OpenAICompatibleEmbedder(client: client(), model: model, dimension: 64, batchSize: 2)
        let vectors = try await embedder.embed(["하나", "둘", "셋", "하나"], task: .retrievalDocument)
        #expect(vectors.count == 4 && vectors[0] == vectors[3] && vectors[0] != vectors[1])
        #expect(vectors.allSatisfy { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4 })
    }

    @Test func wrongKeyIsAuthErrorWithoutTheKey() async throws {
        let secret = "sk-wrong-\(UUID().uuidString)"
        let error = await #expect(throws: ProviderError.self) {
            try await OpenAICompatibleGenerator(client: client(key: secret), model: "m").generate(Fixtures.request())
        }
        #expect(error?.code == .auth)
        #expect(error.map { !String(describing: $0).contains(secret) } == true)
    }
}
