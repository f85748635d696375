import Testing
@testable import Providers

@Suite("Offline embedder")
struct OfflineEmbedderTests {
    private func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test func descriptorNamesModelAndDimension() {
        #expect(OfflineEmbedder().descriptor.description == "offline/hashed-ngram-v1@384")
        #expect(OfflineEmbedder(dimension: 64).descriptor.dimension == 64)
    }

    @Test func deterministicAcrossInstancesAndCalls() async throws {
        let text = "성수동 골목의 작은 오마카세, 셰프가 직접 잡은 숙성 광어가 인상적 Omakase counter"
        let a = try await OfflineEmbedder().embed([text], task: .retrievalDocument)[0]
        let b = try await OfflineEmbedder().embed([text], task: .retrievalQuery)[0]
        #expect(a == b)
        #expect(a.count == 384)
        // Pinned values guard against platform-dependent hashing (Swift's Hasher is seeded per process).
        // FNV-1a 64 known answers (Fowler/Noll/Vo test vectors).
        #expect(FNV1a.raw64("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.raw64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.raw64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test(arguments: ["", "!!!", "a", "김치찌개 맛집", "The pasta was great"])
    func vectorsAreUnitLength(text: String) {
        let v = OfflineEmbedder(dimension: 128).vector(for: text)
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func similarKoreanTextsAreCloserThanUnrelated() {
        let e = OfflineEmbedder()
        let a = e.vector(for: "웨이팅이 길지만 돼지국밥 국물이 진하고 맛있어요")
        let b = e.vector(for: "돼지국밥 국물이 진해서 웨이팅할 만해요")
        let c = e.vector(for: "조용한 분위기의 프렌치 파인다이닝 코스 요리")
        #expect(cosine(a, b) > cosine(a, c) + 0.1)
    }

    @Test func similarEnglishTextsAreCloserThanUnrelated() {
        let e = OfflineEmbedder()
        let a = e.vector(for: "Fresh sushi omakase with a friendly chef")
        let b = e.vector(for: "Friendly chef serving fresh omakase sushi")
        let c = e.vector(for: "Cheap noodles, long queue at lunch time")
        #expect(cosine(a, b) > cosine(a, c) + 0.2)
    }

    @Test func hangulRunsProduceSyllableNgrams() {
        var features: [String] = []
        OfflineEmbedder.forEachFeature(in: "국밥 ok") { f, _ in features.append(f) }
        #expect(features.contains("w:국밥"))
        #expect(features.contains("h2:국밥"))
        #expect(features.contains("h1:국"))
        #expect(features.contains("c3:^ok"))
        #expect(features.contains("c3:ok$"))
    }
}
