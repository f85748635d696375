import Foundation
import Testing
@testable import Providers

/// Request building and response classification for Gemini `generateContent` (stub transport).
@Suite("Gemini generator")
struct GeminiGeneratorTests {
    @Test func buildsDocumentedRequest() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: Fixtures.goodJSON)])
        let result = try await Fixtures.geminiGenerator(stub).generate(Fixtures.request())
        let sent = try #require(stub.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url.absoluteString == "https://gemini.test/v1beta/models/gemini-2.5-flash:generateContent")
        #expect(sent.headers["x-goog-api-key"] == "secret-key-abcdef")
        #expect(sent.headers["Content-Type"] == "application/json")
        let body = Fixtures.json(sent.body)
        let contents = try #require(body["contents"] as? [[String: Any]])
        #expect(contents.first?["role"] as? String == "user")
        let system = try #require(body["systemInstruction"] as? [String: Any])
        #expect(((system["parts"] as? [[String: Any]])?.first?["text"] as? String) == "너는 맛집 요약가다.")
        let config = try #require(body["generationConfig"] as? [String: Any])
        #expect(config["responseMimeType"] as? String == "application/json")
        #expect((config["responseJsonSchema"] as? [String: Any])?["type"] as? String == "object")
        #expect(config["responseSchema"] == nil)
        #expect(config["maxOutputTokens"] as? Int == 512)
        #expect(result.output.summary == "한옥집은 김치찜이 맛있는 곳입니다.")
        #expect(result.usage == TokenUsage(promptTokens: 10, outputTokens: 5, totalTokens: 15))
        #expect(result.model == "gemini-2.5-flash-001")
    }

    @Test func blockedPromptIsClassifiedNotRetried() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: nil, block: "SAFETY")])
        let error = await #expect(throws: ProviderError.self) { try await Fixtures.geminiGenerator(stub).generate(Fixtures.request()) }
        #expect(error?.code == .blocked)
        #expect(error?.message.contains("SAFETY") == true)
        #expect(stub.requests.count == 1)
    }

    @Test func safetyFinishReasonIsBlocked() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: "", finish: "SAFETY")])
        let error = await #expect(throws: ProviderError.self) { try await Fixtures.geminiGenerator(stub).generate(Fixtures.request()) }
        #expect(error?.code == .blocked)
    }

    @Test func emptyCandidatesAreClassified() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: nil)])
        let error = await #expect(throws: ProviderError.self) { try await Fixtures.geminiGenerator(stub).generate(Fixtures.request()) }
        #expect(error?.code == .emptyCandidates)
        #expect(stub.requests.count == 1)
    }

    @Test func maxTokensRetriesOnceWithLargerBudgetThenFails() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: "{\"summ", finish: "MAX_TOKENS")])
        let error = await #expect(throws: ProviderError.self) { try await Fixtures.geminiGenerator(stub).generate(Fixtures.request()) }
        #expect(error?.code == .maxTokens)
        #expect(stub.requests.count == 2)
        let second = Fixtures.json(stub.requests[1].body)["generationConfig"] as? [String: Any]
        #expect(second?["maxOutputTokens"] as? Int == 1024)
        #expect((second?["thinkingConfig"] as? [String: Any])?["thinkingBudget"] as? Int == 0)
    }

    @Test func schemaMismatchGetsOneRepairRetry() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: #"{"summary": 42}"#, prompt: 10, output: 3),
                                             Fixtures.geminiResponse(text: Fixtures.goodJSON, prompt: 20, output: 7)])
        let result = try await Fixtures.geminiGenerator(stub).generate(Fixtures.request())
        #expect(result.output.keywords == ["김치찜"])
        #expect(result.usage.totalTokens == 40)  // both billed calls counted
        let repair = try #require(Fixtures.json(stub.requests[1].body)["contents"] as? [[String: Any]])
        #expect(repair.map { $0["role"] as? String } == ["user", "model", "user"])
    }

    @Test func schemaMismatchTwiceIsClassified() async throws {
        let stub = StubTransport(responses: [Fixtures.geminiResponse(text: "not json at all")])
        let error = await #expect(throws: ProviderError.self) { try await Fixtures.geminiGenerator(stub).generate(Fixtures.request()) }
        #expect(error?.code == .schemaMismatch)
        #expect(stub.requests.count == 2)
    }

    @Test func validatorChecksTypesRequiredAndLengths() throws {
        let schema = try JSONValue.parse(Fixtures.schema)
        #expect(JSONSchemaValidator.firstViolation(of: try JSONValue.parse(Fixtures.goodJSON), schema: schema) == nil)
        #expect(JSONSchemaValidator.firstViolation(of: try JSONValue.parse(#"{"keywords":[]}"#), schema: schema) == "$.summary: required")
        #expect(JSONSchemaValidator.firstViolation(of: try JSONValue.parse(#"{"summary":"short"}"#), schema: schema) == "$.summary: shorter than 10")
        #expect(JSONSchemaValidator.firstViolation(of: try JSONValue.parse(#"{"summary":"long enough text","keywords":[1]}"#),
                                                   schema: schema) == "$.keywords[0]: expected string")
    }

    @Test func fencedJSONIsAccepted() throws {
        let output = try StructuredOutput.parse("```json\n\(Fixtures.goodJSON)\n```", schema: Fixtures.schema, context: "t")
        #expect(output.summary.hasPrefix("한옥집"))
    }

    @Test func embeddingsAreRenormalisedAndDimensionChecked() throws {
        let v = try GeminiEmbedder.normalised([3, 4], expected: 2, context: "t")
        #expect(v == [0.6, 0.8])
        #expect(throws: ProviderError.self) { try GeminiEmbedder.normalised([1, 2, 3], expected: 2, context: "t") }
        #expect(throws: ProviderError.self) { try GeminiEmbedder.normalised([0, 0], expected: 2, context: "t") }
    }

    @Test func vertexEndpointsAreRegionalOrGlobal() {
        let regional = GeminiEndpoint.vertex(project: "p1", location: "asia-northeast3")
        #expect(regional.url(model: "gemini-2.5-flash", method: "generateContent").absoluteString ==
                "https://asia-northeast3-aiplatform.googleapis.com/v1/projects/p1/locations/asia-northeast3/publishers/google/models/gemini-2.5-flash:generateContent")
        let global = GeminiEndpoint.vertex(project: "p1", location: "global")
        #expect(global.url(model: "m", method: "embedContent").absoluteString ==
                "https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/google/models/m:embedContent")
    }
}

/// A token provider handing out numbered tokens and counting invalidations.
actor CountingTokens: AccessTokenProvider {
    private var issued = 0
    private(set) var invalidations = 0
    func accessToken() async throws -> String { "tok-\(issued)" }
    func invalidate() async {
        invalidations += 1
        issued += 1
    }
}

@Suite("Vertex token refresh on 401")
struct TokenRefreshTests {
    @Test func rejectedTokenIsDroppedAndTheCallRepeatedOnce() async throws {
        let stub = StubTransport { request, _ in
            request.headers["Authorization"] == "Bearer tok-1"
                ? Fixtures.geminiResponse(text: Fixtures.goodJSON)
                : RetryPolicyTests.googleError(401, "UNAUTHENTICATED")
        }
        let tokens = CountingTokens()
        let http = ProviderHTTPClient(transport: stub, clock: ManualProviderClock())
        let client = GeminiClient(endpoint: .vertex(project: "p", location: "global"), auth: .oauth(tokens), http: http)
        let result = try await GeminiGenerator(client: client).generate(Fixtures.request())
        #expect(result.output.summary.hasPrefix("한옥집"))
        #expect(await tokens.invalidations == 1)
        #expect(stub.requests.count == 2)
    }
}
