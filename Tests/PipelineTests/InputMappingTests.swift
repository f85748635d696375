import Foundation
import Testing
@testable import Pipeline

@Suite("Input mapping")
struct InputMappingTests {
    static let mappingJSON = """
    {"mapping_version": 1,
     "shop": {"id": "meta.pid", "name": "title", "rating": {"path": "score", "type": "number"},
              "badges": {"path": "marks", "type": "list", "separator": "|", "ignore": ["N/A"]},
              "category": "batch"},
     "attributes": {"count": {"path": "n", "type": "integer"}, "source": {"const": "test-feed"}},
     "reviews": {"path": "items", "text": "body", "author": "who",
                 "tags": [{"path": "ctx", "type": "list"}, {"path": "kw", "type": "list", "separator": ";"}]}}
    """

    func mapping() throws -> InputMapping {
        try InputMapping.parse(JSONDecoder().decode(RowValue.self, from: Data(Self.mappingJSON.utf8)), file: "m.json")
    }

    func row(_ json: String) throws -> RowValue { try JSONDecoder().decode(RowValue.self, from: Data(json.utf8)) }

    @Test func mapsPathsConversionsListsConstantsAndNestedReviews() throws {
        let shop = try mapping().shop(from: row("""
        {"meta": {"pid": 12345}, "title": " 가게 ", "score": "4.25", "marks": "미쉐린|N/A|위생", "n": "1,234",
         "batch": "waiting_hotplace",
         "items": [{"body": "맛있다", "who": "r1", "ctx": "저녁에 방문, 데이트", "kw": "맛;친절"}, {"body": "", "who": "r2"}]}
        """))
        #expect(shop.id == "12345")
        #expect(shop.name == "가게")
        #expect(shop.rating == 4.25)
        #expect(shop.badges == ["미쉐린", "위생"])
        #expect(shop.category == .waitingHotplace)
        #expect(shop.attributes == ["count": "1234", "source": "test-feed"])
        #expect(shop.reviews.count == 1)  // empty review text dropped
        #expect(shop.reviews[0].tags == ["저녁에 방문", "데이트", "맛", "친절"])
        #expect(shop.reviews[0].author == "r1")
    }

    @Test(arguments: [
        ("{\"title\": \"x\", \"items\": [{\"body\": \"b\"}]}", "meta.pid (id)", "missing"),
        ("{\"meta\": {\"pid\": \"1\"}, \"title\": \"x\", \"score\": [1], \"items\": [{\"body\": \"b\"}]}",
         "score (rating)", "expected a number, got array"),
        ("{\"meta\": {\"pid\": \"1\"}, \"title\": \"x\", \"n\": \"1.5\", \"items\": [{\"body\": \"b\"}]}",
         "n (attributes.count)", "expected an integer, got 1.5"),
        ("{\"meta\": {\"pid\": \"1\"}, \"title\": \"x\", \"items\": \"nope\"}", "items (reviews)",
         "expected an array, got string"),
        ("{\"meta\": {\"pid\": \"1\"}, \"title\": \"x\", \"items\": [{\"body\": {\"a\": 1}}]}", "items[0].body (text)",
         "expected a string, got object"),
        ("{\"meta\": {\"pid\": \"1\"}, \"title\": \"x\", \"batch\": \"luxury\", \"items\": [{\"body\": \"b\"}]}",
         "batch (category)", "unknown category 'luxury'"),
    ])
    func badRowsNameTheField(json: String, field: String, reason: String) throws {
        let mapping = try mapping()
        let value = try row(json)
        let result = Result { () throws(FieldProblem) -> Shop in try mapping.shop(from: value) }
        guard case .failure(let problem) = result else {
            Issue.record("expected a field problem")
            return
        }
        #expect(problem.field == field)
        #expect(problem.reason.hasPrefix(reason))
    }

    @Test(arguments: [
        ("{\"shop\": {\"name\": \"n\"}, \"reviews\": {\"path\": \"r\", \"text\": \"t\"}}", "shop.id", "is required"),
        ("{\"shop\": {\"id\": \"i\", \"name\": \"n\", \"colour\": \"c\"}, \"reviews\": {\"path\": \"r\", \"text\": \"t\"}}",
         "shop.colour", "unknown native field"),
        ("{\"shop\": {\"id\": {\"type\": \"float\", \"path\": \"x\"}, \"name\": \"n\"}, \"reviews\": {\"path\": \"r\", \"text\": \"t\"}}",
         "shop.id", "'type' must be one of"),
        ("{\"shop\": {\"id\": \"i\", \"name\": \"n\"}, \"reviews\": {\"path\": \"r\"}}", "reviews.text", "is required"),
        ("{\"shop\": {\"id\": {\"path\": \"a\", \"const\": 1}, \"name\": \"n\"}, \"reviews\": {\"path\": \"r\", \"text\": \"t\"}}",
         "shop.id", "give either 'path' or 'const'"),
    ])
    func mappingFileErrorsNameFileAndField(json: String, field: String, why: String) throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad-mapping.json")
        try Data(json.utf8).write(to: file)
        #expect { try InputMapping.load(from: file) } throws: { error in
            guard let error = error as? PipelineError else { return false }
            return error.code == .invalidMapping && error.message.contains(file.path)
                && error.message.contains("field '\(field)'") && error.message.contains(why)
        }
    }

    // Needs the shared crawler export (../shared/data); skipped when the folder is absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared30.path)))
    func shippedNaverMappingReadsTheCrawlerExport() throws {
        let mapping = try InputMapping.load(from: naverMapping)
        let input = try ShopReader.read(url: shared30, mapping: mapping)
        #expect(input.shops.count == 30)
        #expect(input.issues.isEmpty)
        let first = try #require(input.shops.first)
        #expect(first.id == "1068025091")
        #expect(first.rating == 4.25)
        #expect(first.badges.isEmpty)  // "N/A"
        #expect(first.attributes["share_wait_30min_plus"] == "0.133")
        #expect(first.attributes["visitor_review_count"] == "534")
        #expect(first.reviews.first?.tags.contains("점심에 방문") == true)
        #expect(input.duplicateReviewsCollapsed > 0)
    }

    // Needs the shared 2,000-shop export; skipped when absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared2000.path)))
    func gzipExportReadsAllShopsAndCountsDuplicateReviews() throws {
        let input = try ShopReader.read(url: shared2000, mapping: InputMapping.load(from: naverMapping))
        #expect(input.shops.count == 2000)
        #expect(input.issues.isEmpty)
        let share = Double(input.duplicateReviewsCollapsed) / Double(input.reviewsRead)
        #expect(share > 0.24 && share < 0.30, "duplicate share \(share)")
    }
}
