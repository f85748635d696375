import Foundation
@testable import Providers

/// Shared fixtures for provider tests.
enum Fixtures {
    static let schema = """
        {"type":"object","properties":{"summary":{"type":"string","minLength":10},
        "highlights":{"type":"array","items":{"type":"string"}},"keywords":{"type":"array","items":{"type":"string"}}},
        "required":["summary"]}
        """

    static func request(key: String = "shop-1", prompt: String? = nil) -> GenerationRequest {
        let context = SummaryContext(shopName: "한옥집", category: "low_to_mid_price_dining",
                                     facts: [.init(label: "주소", value: "서울 종로구")],
                                     reviews: ["김치찜이 정말 맛있고 양이 많아요"], exampleSummaries: [],
                                     language: "ko", targetLength: 120)
        let text = prompt ?? """
            shop_id: \(key)
            가게 이름: 한옥집
            리뷰:
            - 김치찜이 정말 맛있고 양이 많아요
            - 직원분들이 친절해서 기분 좋게 먹었습니다
            """
        return GenerationRequest(key: key, systemInstruction: "너는 맛집 요약가다.", prompt: text,
                                 responseJSONSchema: schema, temperature: 0.2, maxOutputTokens: 512, context: context)
    }

    static func geminiResponse(text: String?, finish: String = "STOP", block: String? = nil,
                               prompt: Int = 10, output: Int = 5) -> HTTPResponse {
        var object: [String: Any] = ["usageMetadata": ["promptTokenCount": prompt, "candidatesTokenCount": output,
                                                        "totalTokenCount": prompt + output],
                                     "modelVersion": "gemini-2.5-flash-001"]
        if let block {
            object["promptFeedback"] = ["blockReason": block]
        } else if let text {
            object["candidates"] = [["content": ["role": "model", "parts": [["text": text]]], "finishReason": finish]]
        } else {
            object["candidates"] = [[String: Any]]()
        }
        return HTTPResponse(status: 200, body: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    static let goodJSON = #"{"summary":"한옥집은 김치찜이 맛있는 곳입니다.","highlights":["김치찜"],"keywords":["김치찜"]}"#

    static func geminiGenerator(_ stub: StubTransport, clock: ManualProviderClock = ManualProviderClock()) -> GeminiGenerator {
        let http = ProviderHTTPClient(transport: stub, configuration: .init(retry: RetryPolicy(maxAttempts: 3)),
                                      clock: clock, random: ConstantRandomSource(0.5))
        let client = GeminiClient(endpoint: .geminiAPI(root: URL(string: "https://gemini.test")!),
                                  auth: .apiKey("secret-key-abcdef"), http: http)
        return GeminiGenerator(client: client, options: .init(model: "gemini-2.5-flash"))
    }

    static func json(_ data: Data?) -> [String: Any] {
        (data.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any]) ?? [:]
    }
}
