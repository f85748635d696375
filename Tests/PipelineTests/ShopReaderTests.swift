import Foundation
import Testing
@testable import Pipeline

@Suite("Shop reader: native schema, validation, de-duplication")
struct ShopReaderTests {
    @Test func readsNativeRowsAndReportsBadRowsWithLineAndField() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("shops.jsonl")
        var lines = [
            nativeRow(id: "a"),                                             // 1 ok
            "{not json",                                                    // 2 invalid JSON
            "{\"name\": \"이름만\", \"reviews\": [{\"text\": \"x\"}]}",         // 3 missing id
            "{\"id\": \"c\", \"reviews\": [{\"text\": \"x\"}]}",               // 4 missing name
            "{\"id\": \"d\", \"name\": \"리뷰없음\", \"reviews\": []}",         // 5 no reviews
            nativeRow(id: "a", name: "중복"),                                 // 6 duplicate id
            "{\"id\": \"e\", \"name\": \"평점\", \"rating\": \"높음\", \"reviews\": [{\"text\": \"x\"}]}", // 7 wrong type
            "",                                                             // 8 blank: ignored
            "{\"id\": {\"x\": 1}, \"name\": \"n\", \"reviews\": [{\"text\": \"x\"}]}", // 9 id is an object
            nativeRow(id: "f"),                                             // 10 ok
        ].map { Data($0.utf8) }
        lines.insert(Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), at: 7)       // 8 invalid UTF-8; blank moves to 9
        var data = Data()
        for line in lines { data.append(line); data.append(0x0A) }
        try data.write(to: file)

        let input = try ShopReader.read(url: file)
        #expect(input.shops.map(\.id) == ["a", "f"])
        #expect(input.rowsRead == 10)
        let byLine = Dictionary(uniqueKeysWithValues: input.issues.map { ($0.line, $0) })
        #expect(byLine.keys.sorted() == [2, 3, 4, 5, 6, 7, 8, 10])
        #expect(byLine[2]?.reason.hasPrefix("invalid JSON") == true)
        #expect(byLine[3]?.field == "id (id)")
        #expect(byLine[4]?.field == "name (name)")
        #expect(byLine[5]?.field == "reviews (reviews)")
        #expect(byLine[6]?.reason.contains("duplicate shop id 'a' (first on line 1)") == true)
        #expect(byLine[7]?.field == "rating (rating)")
        #expect(byLine[7]?.reason.contains("expected a number, got string '높음'") == true)
        #expect(byLine[8]?.reason.hasPrefix("invalid UTF-8 at byte 2") == true)
        #expect(byLine[10]?.reason == "expected a string, got object")
        #expect(input.issues.allSatisfy { $0.file == file.path })
        #expect(byLine[7]?.description.hasPrefix("\(file.path):7: field 'rating (rating)'") == true)
    }

    @Test func collapsesExactDuplicateReviewsOnly() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("dups.jsonl")
        try writeLines([nativeRow(id: "s1", reviews: [
            ("좋아요", "2025-01-01", "u1"), ("좋아요", "2025-01-01", "u1"),   // exact duplicate
            ("좋아요", "2025-01-02", "u1"),                                  // other date: kept
            ("좋아요", "2025-01-01", "u2"),                                  // other author: kept
            ("좋아요", "2025-01-01", "u1"),                                  // duplicate again
        ])], to: file)
        let input = try ShopReader.read(url: file)
        #expect(input.duplicateReviewsCollapsed == 2)
        #expect(input.reviewsRead == 5)
        #expect(input.shops.first?.reviews.count == 3)
        #expect(input.shops.first?.reviews.map(\.author) == ["u1", "u1", "u2"])
    }

    @Test func missingFileIsATypedError() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/shops.jsonl")
        #expect { try ShopReader.read(url: missing) } throws: { error in
            (error as? PipelineError)?.code == .inputMissing && "\(error)".contains("/nonexistent/shops.jsonl")
        }
    }

    @Test func lastLineWithoutNewlineAndCRLFAreRead() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("crlf.jsonl")
        try Data((nativeRow(id: "x") + "\r\n" + nativeRow(id: "y")).utf8).write(to: file)
        let input = try ShopReader.read(url: file)
        #expect(input.shops.map(\.id) == ["x", "y"])
        #expect(input.issues.isEmpty)
    }
}
