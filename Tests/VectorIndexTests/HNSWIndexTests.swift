import Testing
@testable import VectorIndex

@Suite("HNSW index")
struct HNSWIndexTests {
    static let dimension = 128

    /// Seeded random rows (hnswlib's recall test shape) plus held-out queries.
    static func makeIndex(count: Int, queries: Int = 100, metric: IndexMetric = .cosine, seed: UInt64 = 42)
        throws -> (index: HNSWIndex, rows: [Float], queries: [[Float]])
    {
        let all = TestData.gaussianRows(count: count + queries, dimension: dimension, seed: seed)
        let rows = Array(all[0..<(count * dimension)])
        let qs = (0..<queries).map { TestData.row(all, count + $0, dimension) }
        var index = HNSWIndex(dimension: dimension, metric: metric,
                              configuration: .init(m: 16, efConstruction: 200, efSearch: 64, seed: seed))
        try rows.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0) }
        return (index, rows, qs)
    }

    /// Exact answers from the flat scan (itself checked against a scalar reference in FlatIndexTests).
    static func exact(_ queries: [[Float]], rows: [Float], metric: IndexMetric, k: Int,
                      filter: ((Int32) -> Bool)? = nil) throws -> [[SearchResult]] {
        var stored = rows
        if metric.normalizes {
            stored.withUnsafeMutableBufferPointer { VectorMath.normalizeRows($0, dimension: dimension) }
        }
        return try stored.withUnsafeBufferPointer { buf in
            try queries.map { try FlatIndex.search(query: $0, rows: buf, dimension: dimension, metric: metric, k: k, filter: filter) }
        }
    }

    /// Uniform random 128-d data is the hardest case (no structure to exploit): hnswlib itself
    /// reaches only ≈0.65 at ef 64 and ≈0.95 at ef 256 here, so this test searches with ef 400.
    @Test func recallAtTenOnRandomDataAgainstExactAndAfterReload() throws {
        let (index, rows, queries) = try Self.makeIndex(count: 10_000)
        try index.checkIntegrity()
        let truth = try Self.exact(queries, rows: rows, metric: .cosine, k: 10)
        let found = try queries.map { try index.search($0, k: 10, ef: 400) }
        let recall = TestData.recall(found, truth)
        let recall64 = TestData.recall(try queries.map { try index.search($0, k: 10) }, truth)
        print("HNSW 10k×128 random: recall@10 \(recall) at ef 400, \(recall64) at ef 64")
        #expect(recall >= 0.95)

        let reloaded = try HNSWIndex(serialized: index.serialized())
        #expect(reloaded.count == index.count)
        try reloaded.checkIntegrity()
        let again = try queries.map { try reloaded.search($0, k: 10, ef: 400) }
        #expect(again == found)
        #expect(TestData.recall(again, truth) >= 0.95)
    }

    /// Structured data (a 16-d latent times a fixed matrix plus noise, like text embeddings):
    /// the default ef 64 suffices.
    @Test func recallAtTenOnStructuredDataWithDefaultEf() throws {
        let count = 10_000
        let all = TestData.latentRows(count: count + 100, dimension: Self.dimension, latent: 16, noise: 0.5, seed: 5)
        let rows = Array(all[0..<(count * Self.dimension)])
        let queries = (0..<100).map { TestData.row(all, count + $0, Self.dimension) }
        var index = HNSWIndex(dimension: Self.dimension, metric: .cosine, configuration: .init(seed: 5))
        try rows.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0) }
        let truth = try Self.exact(queries, rows: rows, metric: .cosine, k: 10)
        let recall = TestData.recall(try queries.map { try index.search($0, k: 10) }, truth)
        print("HNSW 10k×128 structured: recall@10 \(recall) at ef 64")
        #expect(recall >= 0.95)
        let reloaded = try HNSWIndex(serialized: index.serialized(includeVectors: false), vectors: index.vectors)
        #expect(TestData.recall(try queries.map { try reloaded.search($0, k: 10) }, truth) >= 0.95)
    }

    @Test(arguments: [IndexMetric.l2, .innerProduct])
    func recallForOtherMetrics(metric: IndexMetric) throws {
        let (index, rows, queries) = try Self.makeIndex(count: 3_000, queries: 50, metric: metric, seed: 9)
        let truth = try Self.exact(queries, rows: rows, metric: metric, k: 10)
        let found = try queries.map { try index.search($0, k: 10, ef: 128) }
        #expect(TestData.recall(found, truth) >= 0.95)
    }

    @Test func filteredSearchMatchesFilteredBruteForce() throws {
        let (index, rows, queries) = try Self.makeIndex(count: 5_000, queries: 50, seed: 7)
        let filter: (Int32) -> Bool = { $0 % 3 == 0 }  // a third of the rows
        let truth = try Self.exact(queries, rows: rows, metric: .cosine, k: 10, filter: filter)
        let found = try queries.map { try index.search($0, k: 10, ef: 128, filter: filter) }
        for hits in found {
            #expect(hits.count == 10)
            #expect(hits.allSatisfy { filter($0.id) })
        }
        #expect(TestData.recall(found, truth) >= 0.95)

        // Highly selective filter: the planner picks exact, which equals brute force exactly.
        let rare: (Int32) -> Bool = { $0 % 250 == 0 }
        let planner = SearchPlanner()
        #expect(planner.strategy(rowCount: index.count, dimension: 32, matchingCount: 20, k: 10) == .exact)
        let rareTruth = try Self.exact(queries, rows: rows, metric: .cosine, k: 10, filter: rare)
        let rareFound = try queries.map { try index.exactSearch($0, k: 10, filter: rare) }
        #expect(rareFound.map { $0.map(\.id) } == rareTruth.map { $0.map(\.id) })
    }

    @Test func sameSeedSameBytesDifferentSeedDifferentGraph() throws {
        let rows = TestData.gaussianRows(count: 500, dimension: 16, seed: 3)
        func build(_ seed: UInt64) throws -> [UInt8] {
            var index = HNSWIndex(dimension: 16, metric: .l2, configuration: .init(m: 8, efConstruction: 50, seed: seed))
            try rows.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0) }
            return index.serialized()
        }
        #expect(try build(1) == build(1))
        #expect(try build(1) != build(2))
    }

    @Test func injectedGeneratorControlsLevels() throws {
        /// Always returns the maximum, so every node gets level 0 (−ln(1−u) with u → 0).
        struct ZeroGenerator: RandomNumberGenerator, Sendable { mutating func next() -> UInt64 { 0 } }
        var index = HNSWIndex(dimension: 4, metric: .l2, configuration: .init(m: 4), rng: ZeroGenerator())
        for i in 0..<50 { try index.insert([Float(i), 0, 0, 1]) }
        #expect(index.levels.allSatisfy { $0 == 0 })
        #expect(try index.search([10, 0, 0, 1], k: 1).first?.id == 10)
    }

    @Test func emptyIndexAndWrongDimension() throws {
        var index = HNSWIndex(dimension: 3, metric: .cosine)
        #expect(try index.search([1, 0, 0], k: 5).isEmpty)
        #expect(throws: VectorIndexError.self) { try index.insert([1, 2]) }
        #expect(throws: VectorIndexError.self) { try index.search([1, 2, 3, 4], k: 1) }
        let empty = try HNSWIndex(serialized: index.serialized())
        #expect(empty.isEmpty)
        try index.insert([1, 0, 0])
        #expect(try index.search([2, 0, 0], k: 5).map(\.id) == [0])
    }

    /// Batch insert onto a non-empty index keeps the earlier rows (vectors are re-stored in
    /// huge-page-advised memory once the index passes 4 MiB) and matches one-by-one inserts.
    @Test func batchInsertAfterSingleInsertsKeepsEarlierRows() throws {
        let dim = 64
        let rows = TestData.gaussianRows(count: 20_000, dimension: dim, seed: 77)  // 5 MiB of floats
        var index = HNSWIndex(dimension: dim, metric: .cosine, configuration: .init(m: 8, efConstruction: 60, seed: 1))
        for r in 0..<100 { try index.insert(TestData.row(rows, r, dim)) }
        let first = try rows[(100 * dim)...].withContiguousStorageIfAvailable { try index.insert(contentsOf: $0) }
        #expect(first == 100)
        #expect(index.count == 20_000)
        try index.checkIntegrity()
        for r in [0, 57, 99, 100, 12_345, 19_999] {
            let stored = index.vector(at: Int32(r))
            let expected = TestData.normalized(TestData.row(rows, r, dim))
            #expect(zip(stored, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "row \(r)")
            #expect(try index.search(TestData.row(rows, r, dim), k: 1, ef: 64).first?.id == Int32(r))
        }
    }

    @Test func plannerRules() {
        let p = SearchPlanner()
        // Within 16 Mi components: the quantised exact scan (plain below 256 rows), no index needed.
        #expect(p.strategy(rowCount: 2_000, dimension: 768, matchingCount: nil, k: 10) == .quantized)
        #expect(p.strategy(rowCount: 200, dimension: 768, matchingCount: nil, k: 10) == .exact)
        #expect(p.strategy(rowCount: 20_000, dimension: 768, matchingCount: 6_700, k: 10) == .quantized)
        #expect(p.strategy(rowCount: 16_000, dimension: 384, matchingCount: 1_500, k: 10) == .exact)
        #expect(!p.needsIndex(rowCount: 20_000, dimension: 768))
        // Beyond it: HNSW unless a filter keeps few rows.
        #expect(p.needsIndex(rowCount: 100_000, dimension: 768))
        #expect(p.strategy(rowCount: 100_000, dimension: 768, matchingCount: nil, k: 10) == .index)
        #expect(p.strategy(rowCount: 100_000, dimension: 768, matchingCount: 33_000, k: 10) == .index)
        #expect(p.strategy(rowCount: 100_000, dimension: 768, matchingCount: 5_000, k: 10) == .exact)
        #expect(p.strategy(rowCount: 100_000, dimension: 768, matchingCount: 3_000, k: 10) == .exact)
        // Turned off: the previous rules.
        let off = SearchPlanner(quantizedComponentLimit: 0)
        #expect(off.strategy(rowCount: 2_000, dimension: 768, matchingCount: nil, k: 10) == .exact)
        #expect(off.strategy(rowCount: 20_000, dimension: 768, matchingCount: nil, k: 10) == .index)
        #expect(off.needsIndex(rowCount: 20_000, dimension: 768))
    }
}
