import Foundation
import Testing
@testable import Pipeline

@Suite("Category rules")
struct CategoryRulesTests {
    func shop(cuisine: String = "한식", badges: [String] = [], attributes: [String: String] = [:],
              tags: [[String]] = [[]], category: ShopCategory? = nil) -> Shop {
        Shop(id: "s", name: "n", cuisine: cuisine, attributes: attributes, badges: badges, category: category,
             reviews: tags.map { Review(text: "t", tags: $0) })
    }

    @Test func shippedRulesDecideBySignals() throws {
        let rules = try CategoryRules.load(from: shippedRules)
        #expect(rules.decide(shop(badges: ["2스타 - 요리를 맛보기 위해 찾아갈 만한 레스토랑미쉐린 가이드 서울 2025"])).category == .fineDining)
        #expect(rules.decide(shop(cuisine: "한식", badges: ["빕구르망 미쉐린 가이드 서울 2025"])).category == .casualDining)
        #expect(rules.decide(shop(cuisine: "스시,오마카세")).category == .fineDining)
        #expect(rules.decide(shop(cuisine: "이탈리아음식", attributes: ["share_reservation": "0.8",
                                                               "share_wait_30min_plus": "0"])).category == .fineDining)
        #expect(rules.decide(shop(cuisine: "이탈리아음식", attributes: ["share_reservation": "0.2"])).category == .casualDining)
        #expect(rules.decide(shop(cuisine: "우동", attributes: ["share_wait_30min_plus": "0.2"])).source == "rule:long-waits-reported")
        #expect(rules.decide(shop(tags: [["대기 시간 1시간 이상"], ["대기 시간 30분 이상"], [], []])).category == .waitingHotplace)
        #expect(rules.decide(shop(tags: [["대기 시간 1시간 이상"], [], [], []])).category == .casualDining)
        #expect(rules.decide(shop(cuisine: "스시", category: .waitingHotplace)) ==
                CategoryRules.Decision(category: .waitingHotplace, source: "explicit"))
        #expect(rules.decide(shop()).source == "default")
    }

    @Test(arguments: [
        ("{\"default\": \"cheap\", \"rules\": []}", "default", "unknown category 'cheap'"),
        ("{\"default\": \"waiting_hotplace\"}", "rules", "missing"),
        ("{\"default\": \"waiting_hotplace\", \"rules\": [{\"name\": \"r\", \"category\": \"waiting_hotplace\", \"when\": {\"colour\": [\"x\"]}}]}",
         "rules[0].when.colour", "unknown condition"),
        ("{\"default\": \"waiting_hotplace\", \"rules\": [{\"name\": \"r\", \"category\": \"waiting_hotplace\", \"when\": {\"attribute_at_least\": {\"share\": \"high\"}}}]}",
         "rules[0].when.attribute_at_least.share", "expected a number"),
        ("{\"default\": \"waiting_hotplace\", \"rules\": [{\"category\": \"waiting_hotplace\", \"when\": {}}]}",
         "rules[0].name", "missing"),
    ])
    func rulesFileErrorsNameFileAndField(json: String, field: String, why: String) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("rules.json")
        try Data(json.utf8).write(to: file)
        #expect { try CategoryRules.load(from: file) } throws: { error in
            guard let error = error as? PipelineError else { return false }
            return error.code == .invalidRules && error.message.contains(file.path)
                && error.message.contains("field '\(field)'") && error.message.contains(why)
        }
    }

    // Needs the shared data; skipped when absent. SOURCE.md: ≈100 fine dining, ≈200 waiting.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared2000.path)))
    func allThreeCategoriesAreNonEmptyOnTheRealShops() throws {
        let rules = try CategoryRules.load(from: shippedRules)
        let input = try ShopReader.read(url: shared2000, mapping: InputMapping.load(from: naverMapping))
        var counts: [ShopCategory: Int] = [:]
        for shop in input.shops { counts[rules.decide(shop).category, default: 0] += 1 }
        #expect((70...170).contains(counts[.fineDining] ?? 0), "\(counts)")
        #expect((150...260).contains(counts[.waitingHotplace] ?? 0), "\(counts)")
        #expect((counts[.casualDining] ?? 0) > 1500, "\(counts)")
    }

    // shops_30 is curated as 10 + 10 + 10; skipped when absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared30.path)))
    func thirtyShopSampleSplitsEvenly() throws {
        let rules = try CategoryRules.load(from: shippedRules)
        let input = try ShopReader.read(url: shared30, mapping: InputMapping.load(from: naverMapping))
        var counts: [ShopCategory: Int] = [:]
        for shop in input.shops { counts[rules.decide(shop).category, default: 0] += 1 }
        #expect(counts == [.fineDining: 10, .waitingHotplace: 10, .casualDining: 10])
    }
}

@Suite("Built-in rules")
struct BuiltinRulesTests {
    @Test func builtinCopyEqualsTheShippedFile() throws {
        let shipped = try String(contentsOf: shippedRules, encoding: .utf8)
        #expect(CategoryRules.builtinJSON == shipped.trimmingCharacters(in: .newlines))
        #expect(try CategoryRules.builtin() == CategoryRules.load(from: shippedRules))
    }
}
