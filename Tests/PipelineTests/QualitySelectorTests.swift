import Foundation
import Pipeline
import Providers
import Testing
import VectorStore

/// Few-shot example selection: category filter, MMR diversity, k, fallback, vector-store source.
@Suite("Quality: example selection")
struct QualitySelectorTests {
    static func example(_ id: String, _ category: ShopCategory, _ summary: String) -> ExampleSummary {
        ExampleSummary(id: id, category: category, shopName: id, cuisine: nil, summary: summary, tags: ["fictional"])
    }

    static let pool: [ExampleSummary] = [
        example("w1", .waitingHotplace, "라멘 국물이 진해 평일에도 대기가 길고 키오스크로 줄을 선다."),
        example("w2", .waitingHotplace, "라멘 국물이 진해 평일에도 대기가 길고 키오스크로 줄을 선다!"),   // near-copy of w1
        example("w3", .waitingHotplace, "소금빵을 사려는 줄이 오픈 전부터 생기고 포장 줄은 따로 있다."),
        example("w4", .waitingHotplace, "브런치 카페로 주말 오전 웨이팅이 길지만 평일 오픈 시간에는 바로 앉는다."),
        example("c1", .casualDining, "라멘과 돈카츠를 파는 동네 식당으로 가성비가 좋다."),
        example("f1", .fineDining, "라멘 코스를 내는 파인다이닝으로 예약이 필수다."),
    ]

    static func source(_ examples: [ExampleSummary] = pool) -> InMemoryExampleSource {
        let embedder = OfflineEmbedder()
        return InMemoryExampleSource(examples: examples, vectors: examples.map { embedder.vector(for: ExampleRecordCoding.embeddingText(for: $0)) })
    }

    let query = "라멘 국물이 진해 평일에도 대기가 길어요"

    @Test func staysInTheCategoryAndDiversifies() throws {
        let selector = ExampleSelector(source: Self.source(), configuration: .init(k: 3))
        let selection = try selector.select(category: .waitingHotplace, vector: OfflineEmbedder().vector(for: query), text: query)
        let ids = selection.examples.map(\.id)
        #expect(ids.count == 3)
        #expect(selection.examples.allSatisfy { $0.category == .waitingHotplace })
        #expect(!(ids.contains("w1") && ids.contains("w2")), "near-copies both chosen: \(ids)")
        #expect(ids.first == "w1" || ids.first == "w2")
        #expect(!selection.usedFallback && selection.note == nil)
    }

    @Test(arguments: [1, 2, 4])
    func kIsConfigurable(k: Int) throws {
        let selector = ExampleSelector(source: Self.source(), configuration: .init(k: k))
        let selection = try selector.select(category: .waitingHotplace, vector: OfflineEmbedder().vector(for: query), text: query)
        #expect(selection.examples.count == k)
    }

    @Test func fallsBackAcrossCategoriesOnlyWhenEmptyAndSaysSo() throws {
        let noWaiting = Self.pool.filter { $0.category != .waitingHotplace }
        let selector = ExampleSelector(source: Self.source(noWaiting), configuration: .init(k: 2))
        let selection = try selector.select(category: .waitingHotplace, vector: OfflineEmbedder().vector(for: query), text: query)
        #expect(selection.usedFallback)
        #expect(selection.examples.count == 2)
        #expect(selection.note?.contains("no examples in waiting_hotplace") == true)
        // With examples present there is no fallback even if other categories match better.
        let normal = try ExampleSelector(source: Self.source(), configuration: .init(k: 2))
            .select(category: .fineDining, vector: OfflineEmbedder().vector(for: query), text: query)
        #expect(!normal.usedFallback && normal.examples.map(\.id) == ["f1"])
    }

    @Test func fallbackCanBeDisabled() throws {
        var configuration = ExampleSelector.Configuration(k: 2)
        configuration.crossCategoryFallback = false
        let selector = ExampleSelector(source: Self.source(Self.pool.filter { $0.category != .casualDining }), configuration: configuration)
        let selection = try selector.select(category: .casualDining, vector: OfflineEmbedder().vector(for: query), text: query)
        #expect(selection.examples.isEmpty && !selection.usedFallback)
    }

    @Test func hybridRetrievalFromTheVectorStore() throws {
        let dir = try QualityFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = try VectorDatabase(directory: dir)
        let embedder = OfflineEmbedder()
        for category in ShopCategory.allCases {
            let collection = try database.createCollection(name: category.examplesCollection, dimension: embedder.descriptor.dimension)
            let records = Self.pool.filter { $0.category == category }
                .map { ExampleRecordCoding.record(for: $0, vector: embedder.vector(for: ExampleRecordCoding.embeddingText(for: $0))) }
            if !records.isEmpty { try collection.add(records) }
        }
        let selector = ExampleSelector(source: VectorStoreExampleSource(database: database), configuration: .init(k: 2))
        let selection = try selector.select(category: .waitingHotplace, vector: embedder.vector(for: query), text: query)
        #expect(selection.examples.count == 2)
        #expect(selection.examples.allSatisfy { $0.category == .waitingHotplace })
        #expect(!(selection.examples.map(\.id).contains("w1") && selection.examples.map(\.id).contains("w2")))
        let stored = try #require(selection.examples.first { $0.id == "w1" || $0.id == "w2" })
        #expect(stored.tags == ["fictional"] && stored.summary.hasPrefix("라멘 국물이"))
        // A missing collection counts as "no examples": fallback, flagged.
        try database.deleteCollection(named: ShopCategory.casualDining.examplesCollection)
        let fallback = try selector.select(category: .casualDining, vector: embedder.vector(for: query), text: query)
        #expect(fallback.usedFallback && !fallback.examples.isEmpty)
    }

    @Test func sampleExamplesAreTenPerCategoryWithinStyleBounds() throws {
        let examples = try QualityFixtures.sampleExamples()
        #expect(examples.count == 30)
        for category in ShopCategory.allCases {
            #expect(examples.filter { $0.category == category }.count == 10)
        }
        for example in examples {
            #expect((80...200).contains(example.summary.count), "\(example.id)")
            #expect(example.tags.contains("fictional"))
            let hasDigit = example.summary.contains { $0.isNumber }
            #expect(!hasDigit, "\(example.id) has a number")
        }
        #expect(Set(examples.map(\.id)).count == 30)
    }
}
