import Foundation
import Testing
@testable import VectorIndex

@Suite("Tokenizer, BM25 and RRF")
struct TextSearchTests {
    @Test func tokenizerSplitsKoreanIntoWordsAndBigramsAndLowercasesEnglish() {
        let t = Tokenizer()
        #expect(t.tokens("웨이팅이 길어요!! Great PASTA, 10/10 👍✔️") ==
            ["웨이팅이", "웨이", "이팅", "팅이", "길어요", "길어", "어요", "great", "pasta", "10", "10"])
        #expect(t.tokens("맛집") == ["맛집"])  // a two-syllable word is not repeated as its own bigram
        #expect(t.tokens("   ~~~ 😀 ") == [])
        #expect(t.tokens("Café au lait") == ["café", "au", "lait"])
        #expect(Tokenizer(hangulBigrams: false).tokens("웨이팅이 길어요") == ["웨이팅이", "길어요"])
    }

    @Test func bm25RanksByTermRarityAndFrequency() {
        var index = BM25Index()
        index.add(id: 10, text: "파스타가 맛있어요 파스타 최고")
        index.add(id: 11, text: "분위기 좋은 파스타 집")
        index.add(id: 12, text: "김치찌개 맛있어요")
        index.add(id: 13, text: "Great pasta and wine")
        #expect(index.documentCount == 4)
        let hits = index.search("파스타", k: 10)
        #expect(hits.map(\.id) == [10, 11])
        #expect(hits[0].score > hits[1].score)
        #expect(index.search("PASTA", k: 10).map(\.id) == [13])
        #expect(index.search("파스타", k: 10, filter: { $0 != 10 }).map(\.id) == [11])
        #expect(index.search("없는단어", k: 10).isEmpty)
        #expect(index.search("맛있어요", k: 1).count == 1)
    }

    @Test func rrfCombinesRankings() {
        let fused = ReciprocalRankFusion.fuse([["a", "b", "c"], ["c", "a", "d"]])
        #expect(fused.map(\.id) == ["a", "c", "b", "d"])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-12)
        let weighted = ReciprocalRankFusion.fuse([["a"], ["b"]], weights: [1, 2], limit: 1)
        #expect(weighted.map(\.id) == ["b"])
        #expect(ReciprocalRankFusion.fuse([["x", "x", "y"]]).map(\.id) == ["x", "y"])
        #expect(ReciprocalRankFusion.fuse([[Int]]()).isEmpty)
    }

    static let shopsPath = "../shared/data/naver-place-seoul/shops_30.jsonl"

    // Real reviews from ../shared/data (CI has it); skipped visibly when the folder is absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shopsPath)),
          arguments: ["웨이팅", "파스타", "초밥", "디저트", "분위기", "삼겹살"])
    func koreanKeywordRanksShopsThatMentionItFirst(keyword: String) throws {
        let text = try String(contentsOfFile: Self.shopsPath, encoding: .utf8)
        var reviewsByShop: [[String]] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let reviews = (obj?["reviews"] as? [[String: Any]]) ?? []
            reviewsByShop.append(reviews.compactMap { $0["content"] as? String })
        }
        #expect(reviewsByShop.count == 30)
        var index = BM25Index()
        var shopOfDoc: [Int32: Int] = [:]
        var next: Int32 = 0
        for (shop, reviews) in reviewsByShop.enumerated() {
            for review in reviews {
                index.add(id: next, text: review)
                shopOfDoc[next] = shop
                next += 1
            }
        }
        let mentioning = Set(reviewsByShop.indices.filter { reviewsByShop[$0].contains { $0.contains(keyword) } })
        #expect(!mentioning.isEmpty)
        var shopOrder: [Int] = []
        for hit in index.search(keyword, k: Int(next)) {
            if let shop = shopOfDoc[hit.id], !shopOrder.contains(shop) { shopOrder.append(shop) }
        }
        #expect(Set(shopOrder.prefix(mentioning.count)) == mentioning, "order \(shopOrder) for \(keyword)")
    }
}
