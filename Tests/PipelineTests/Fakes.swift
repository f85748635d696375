import Foundation
import Providers
import Synchronization
@testable import Pipeline

/// Counts calls per shop key; wraps the offline embedder.
final class CountingEmbedder: Embedder {
    let inner = OfflineEmbedder(dimension: 64)
    let calls = Mutex(0)
    var descriptor: EmbedderDescriptor { inner.descriptor }
    func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]] {
        calls.withLock { $0 += 1 }
        return try await inner.embed(texts, task: task)
    }
    var count: Int { calls.withLock { $0 } }
}

/// Counts generation calls per shop id; can fail chosen shops, sleep, or count down to a stop.
final class CountingGenerator: Generator {
    let inner = OfflineGenerator()
    let perShop = Mutex<[String: Int]>([:])
    let failing: Set<String>
    let delay: Duration
    var descriptor: GeneratorDescriptor { inner.descriptor }

    init(failing: Set<String> = [], delay: Duration = .zero) {
        self.failing = failing
        self.delay = delay
    }

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        perShop.withLock { $0[request.key, default: 0] += 1 }
        if delay > .zero { try await Task.sleep(for: delay) }
        if failing.contains(request.key) {
            throw PipelineError(code: .internalError, message: "fake provider refused shop \(request.key)")
        }
        return try await inner.generate(request)
    }

    var total: Int { perShop.withLock { $0.values.reduce(0, +) } }
    var shopsCalled: Set<String> { perShop.withLock { Set($0.keys) } }
}

enum Fixtures {
    static let reviewTexts = [
        "점심 정식이 푸짐하고 반찬이 정갈해서 좋았어요. 직원분들도 친절합니다.",
        "국물이 진하고 고기가 부드러워요. 주차는 건물 뒤편에 가능합니다.",
        "저녁에 방문했는데 자리가 넓어서 가족 모임하기 좋았습니다.",
        "가격 대비 양이 많고 맛도 괜찮아요. 다음에 또 오고 싶네요.",
    ]

    /// `count` casual shops with distinct ids and Korean reviews.
    static func shops(_ count: Int, prefix: String = "shop") -> [Shop] {
        (0..<count).map { i in
            Shop(id: "\(prefix)-\(i)", name: "테스트식당 \(i)호점", cuisine: "한식", address: "서울 중구 \(i)길",
                 rating: 4.2, reviews: reviewTexts.enumerated().map { j, text in
                     Review(text: text, date: "2025-03-0\(j + 1)", tags: ["점심에 방문"], author: "u\(i)-\(j)")
                 })
        }
    }

    static let examples: [ExampleSummary] = [
        ExampleSummary(id: "ex-1", category: .casualDining, shopName: "예시 국밥", cuisine: "국밥",
                       summary: "진한 국물과 넉넉한 양이 강점인 동네 식당으로, 점심시간에는 직장인 손님이 많다. 반찬이 정갈하고 직원이 친절하다는 평이 많다."),
        ExampleSummary(id: "ex-2", category: .casualDining, shopName: "예시 분식", cuisine: "분식",
                       summary: "가격 부담이 적은 분식집으로 양이 많고 회전이 빠르다. 포장 손님도 많아 가볍게 한 끼 하기 좋다."),
        ExampleSummary(id: "ex-3", category: .waitingHotplace, shopName: "예시 라멘", cuisine: "라멘",
                       summary: "오픈 전부터 줄이 서는 라멘집으로 진한 돈코츠 국물이 대표 메뉴다. 주말 저녁에는 한 시간 가까이 기다리는 경우가 많다."),
    ]

    static func retriever(_ embedder: any Embedder) async throws -> InMemoryExampleRetriever {
        try await InMemoryExampleRetriever.embedding(examples, with: embedder)
    }

    static func prompts(version: String? = nil) throws -> PromptStage {
        let builder = try PromptBuilder()
        return PromptStage(version: { version ?? builder.promptVersion(for: $0) },
                           build: { builder.build(shop: $0, category: $1, examples: $2) })
    }

    static func decisions(_ shops: [Shop], _ category: ShopCategory = .casualDining) -> [String: CategoryRules.Decision] {
        Dictionary(uniqueKeysWithValues: shops.map { ($0.id, CategoryRules.Decision(category: category, source: "default")) })
    }

    /// Reads an output file's rows.
    static func rows(_ url: URL) throws -> [OutputRow] {
        let data = try Data(contentsOf: url)
        return try data.split(separator: 0x0A).map { try JSONDecoder().decode(OutputRow.self, from: Data($0)) }
    }
}
