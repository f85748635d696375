import Testing
@testable import VectorStore

@Suite("Metadata and document filters")
struct FilterTests {
    let row: Metadata = ["cuisine": .string("한식"), "rating": .double(4.5), "reviews": .int(120), "open": .bool(true)]

    @Test func positiveOperators() {
        #expect(MetadataFilter.eq("cuisine", .string("한식")).matches(row))
        #expect(!MetadataFilter.eq("cuisine", .string("일식")).matches(row))
        #expect(MetadataFilter.gt("rating", .int(4)).matches(row))
        #expect(MetadataFilter.gte("reviews", .int(120)).matches(row))
        #expect(!MetadataFilter.lt("reviews", .int(120)).matches(row))
        #expect(MetadataFilter.lte("rating", .double(4.5)).matches(row))
        #expect(MetadataFilter.in("cuisine", [.string("일식"), .string("한식")]).matches(row))
        #expect(MetadataFilter.and([.eq("open", .bool(true)), .gt("reviews", .int(100))]).matches(row))
        #expect(MetadataFilter.or([.eq("open", .bool(false)), .gt("reviews", .int(100))]).matches(row))
        #expect(!MetadataFilter.or([]).matches(row))
        #expect(MetadataFilter.and([]).matches(row))
    }

    /// Documented: a missing key fails every positive operator and passes every negative one.
    @Test func missingKeySemantics() {
        let empty: Metadata = [:]
        #expect(!MetadataFilter.eq("k", .int(1)).matches(empty))
        #expect(!MetadataFilter.gt("k", .int(1)).matches(empty))
        #expect(!MetadataFilter.gte("k", .int(1)).matches(empty))
        #expect(!MetadataFilter.lt("k", .int(1)).matches(empty))
        #expect(!MetadataFilter.lte("k", .int(1)).matches(empty))
        #expect(!MetadataFilter.in("k", [.int(1)]).matches(empty))
        #expect(MetadataFilter.ne("k", .int(1)).matches(empty))
        #expect(MetadataFilter.nin("k", [.int(1)]).matches(empty))
        #expect(!DocumentFilter.contains("x").matches(nil))
        #expect(DocumentFilter.notContains("x").matches(nil))
    }

    /// Documented: ints and floats compare numerically; bools are not numbers; types never mix otherwise.
    @Test func intFloatAndTypeSemantics() {
        let m: Metadata = ["n": .int(3), "f": .double(3.0), "b": .bool(true), "s": .string("3")]
        #expect(MetadataFilter.eq("n", .double(3.0)).matches(m))
        #expect(MetadataFilter.eq("f", .int(3)).matches(m))
        #expect(MetadataFilter.gt("n", .double(2.5)).matches(m))
        #expect(!MetadataFilter.gt("f", .int(3)).matches(m))
        #expect(MetadataFilter.in("f", [.int(3)]).matches(m))
        #expect(!MetadataFilter.nin("f", [.int(3)]).matches(m))
        #expect(!MetadataFilter.eq("b", .int(1)).matches(m))
        #expect(MetadataFilter.ne("b", .int(1)).matches(m))
        #expect(!MetadataFilter.eq("s", .int(3)).matches(m))
        #expect(!MetadataFilter.gt("s", .int(1)).matches(m))
        #expect(!MetadataFilter.gt("b", .int(0)).matches(m))
        // Large ints compare exactly with ints.
        let big: Metadata = ["n": .int(Int(1) << 60)]
        #expect(!MetadataFilter.eq("n", .int((Int(1) << 60) + 1)).matches(big))
        #expect(MetadataFilter.lt("n", .int((Int(1) << 60) + 1)).matches(big))
        // An int against a float compares as two doubles: 2⁵³ + 1 rounds to 2⁵³ (docs/FORMAT.md §8).
        let past53: Metadata = ["n": .int((Int(1) << 53) + 1)]
        #expect(MetadataFilter.eq("n", .double(9_007_199_254_740_992.0)).matches(past53))
        #expect(!MetadataFilter.gt("n", .double(9_007_199_254_740_992.0)).matches(past53))
        #expect(MetadataFilter.gt("n", .int(Int(1) << 53)).matches(past53))
    }

    @Test func chromaJSONSyntax() throws {
        #expect(try MetadataFilter(json: #"{"cuisine": "한식"}"#) == .eq("cuisine", .string("한식")))
        #expect(try MetadataFilter(json: #"{"rating": {"$gte": 4}}"#) == .gte("rating", .int(4)))
        #expect(try MetadataFilter(json: #"{"rating": {"$gte": 4.0}}"#) == .gte("rating", .double(4)))
        #expect(try MetadataFilter(json: #"{"$and": [{"a": 1}, {"b": {"$ne": true}}]}"#)
            == .and([.eq("a", .int(1)), .ne("b", .bool(true))]))
        #expect(try MetadataFilter(json: #"{"$or": [{"a": {"$in": ["x", 2]}}, {"c": {"$nin": [1.5]}}]}"#)
            == .or([.in("a", [.string("x"), .int(2)]), .nin("c", [.double(1.5)])]))
        #expect(try MetadataFilter(json: #"{"a": 1, "b": 2}"#) == .and([.eq("a", .int(1)), .eq("b", .int(2))]))
        #expect(try DocumentFilter(json: #"{"$contains": "파스타"}"#) == .contains("파스타"))
        #expect(try DocumentFilter(json: #"{"$or": [{"$contains": "a"}, {"$not_contains": "b"}]}"#)
            == .or([.contains("a"), .notContains("b")]))
        for bad in [#"{"a": {"$gt": "x"}}"#, #"{"a": {"$regex": "x"}}"#, #"{"$and": []}"#, #"[1]"#, #"{"a": [1]}"#,
                    #"{"a": {"$in": 3}}"#, "{", #"{"$nor": [{"a": 1}]}"#,
                    // Empty lists, as Chroma: `$nin: []` would match (and `db delete` remove) every row.
                    #"{"a": {"$in": []}}"#, #"{"a": {"$nin": []}}"#]
        {
            do { _ = try MetadataFilter(json: bad); Issue.record("accepted \(bad)") } catch let e as StorageError {
                #expect(e.code == .invalidFilter)
            }
        }
        #expect(throws: StorageError.self) { _ = try DocumentFilter(json: #"{"$contains": 1}"#) }
        // An empty needle is in every document (Chroma refuses it too).
        #expect(throws: StorageError.self) { _ = try DocumentFilter(json: #"{"$contains": ""}"#) }
        #expect(throws: StorageError.self) { _ = try DocumentFilter(json: #"{"$or": [{"$not_contains": ""}]}"#) }
    }

    @Test func filtersInsideTheStore() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "f", dimension: 2)
        try c.add([
            VectorRecord(id: "a", vector: [1, 0], document: "맛있는 파스타", metadata: ["price": .int(10)]),
            VectorRecord(id: "b", vector: [0, 1], document: "국밥 맛집", metadata: ["price": .double(10.0)]),
            VectorRecord(id: "c", vector: [1, 1], document: nil, metadata: [:]),
        ])
        #expect(try c.get(where: .eq("price", .int(10))).map(\.id) == ["a", "b"])
        #expect(try c.get(where: .ne("price", .int(10))).map(\.id) == ["c"])
        #expect(try c.get(whereDocument: .contains("파스타")).map(\.id) == ["a"])
        #expect(try c.get(whereDocument: .notContains("파스타")).map(\.id) == ["b", "c"])
        #expect(try c.query(vector: [1, 0], k: 3, whereDocument: .contains("맛")).map(\.id) == ["a", "b"])
    }
}
