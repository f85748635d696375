import Foundation
import Observability
import Testing
@testable import VectorIndex
@testable import VectorStore

/// Adversarial store-level checks of the projection index: a collection whose large segments are
/// searched through `.vproj` files must answer exactly what the store's own full-precision scan
/// answers (same ids, same distances, same tie order) on the same records.
@Suite("Projection index segments, adversarial")
struct ProjectedIndexAdversarialTests {
    /// Segments of ≥ 500 rows get an index (projection when it prunes); no quantised scan.
    static func projectedConfig() -> VectorDatabase.Configuration {
        VectorDatabase.Configuration(gcGracePeriod: 0, hnswMinRows: 500,
                                     planner: SearchPlanner(exactRowLimit: 400, minimumHNSWSelectivity: 0.1, exactMatchLimit: 50,
                                                            quantizedComponentLimit: 0))
    }

    /// No index at all and no quantised scan: every query is the store's full-precision scan.
    static func exactConfig() -> VectorDatabase.Configuration {
        VectorDatabase.Configuration(gcGracePeriod: 0, hnswMinRows: 1 << 30,
                                     planner: SearchPlanner(exactRowLimit: 400, minimumHNSWSelectivity: 0.1, exactMatchLimit: 50,
                                                            quantizedComponentLimit: 0),
                                     projectionIndex: false)
    }

    /// The same collection twice: through projection indexes and through the full scan.
    struct Pair {
        let dirs = (TempDir(), TempDir())
        let handler = InMemoryLogHandler()
        let projected: VectorCollection
        let exact: VectorCollection
        let projectedDB: VectorDatabase

        init(dimension: Int, metric: DistanceMetric) throws {
            projectedDB = try VectorDatabase(directory: dirs.0.url, configuration: ProjectedIndexAdversarialTests.projectedConfig(),
                                             logger: Logger(label: "test", level: .debug, handler: handler))
            projected = try projectedDB.createCollection(name: "p", dimension: dimension, metric: metric)
            exact = try VectorDatabase(directory: dirs.1.url, configuration: ProjectedIndexAdversarialTests.exactConfig())
                .createCollection(name: "p", dimension: dimension, metric: metric)
        }

        func cleanup() { dirs.0.cleanup(); dirs.1.cleanup() }

        func both(_ body: (VectorCollection) throws -> Void) rethrows {
            try body(projected)
            try body(exact)
        }

        var vprojCount: Int { ((try? projectedDB.snapshotFiles()) ?? []).filter { $0.hasSuffix(".vproj") }.count }
        var plans: [String] { IndexedSearchTests.plans(handler) }

        /// Mismatches between the two collections for one query (empty when equal).
        func mismatch(_ q: [Float], k: Int, where f: MetadataFilter? = nil) throws -> String? {
            let a = try projected.query(vector: q, k: k, where: f).map { "\($0.id)@\($0.distance)" }
            let b = try exact.query(vector: q, k: k, where: f).map { "\($0.id)@\($0.distance)" }
            return a == b ? nil : "projected \(a)\n    exact \(b)"
        }
    }

    // MARK: - Failures

    /// Cosine rows whose float32 squared norm overflows (components ~1e20) or underflows
    /// (components ~1e-26): the store's float32 norm is ∞ or 0, so its own scan gives those rows
    /// distance 1; the index normalises them in Double (cosine ≈ 1 to the query), and their high
    /// lower bounds prune the rows the scan ranks first. (The quantised scan agrees with the full
    /// scan here: `QuantizedCoding` normalises with the float32 norm, so those rows code as zero.)
    @Test(arguments: [Float(1e20), Float(1e-26)])
    func cosineRowsWhoseFloatNormOverflowsOrUnderflows(scale: Float) throws {
        let pair = try Pair(dimension: 64, metric: .cosine)
        defer { pair.cleanup() }
        var recs = IndexedSearchTests.structured(1_000, dim: 64, seed: 3)
        let target = recs[500].vector
        for i in 0..<10 { recs[i].vector = target.map { $0 * scale * Float(1 + i) } }
        try pair.both { try $0.add(recs) }
        #expect(pair.vprojCount == 1)
        let problem = try pair.mismatch(target, k: 10)
        #expect(problem == nil, "\(problem ?? "")")
        #expect(pair.plans.allSatisfy { $0 == "projection" })
    }

    /// Inner product, one 9,000-row segment in 16 components whose sampled rows use only the
    /// first 4: the fitted basis has exact zeros in components 4…15, so an unsampled row equal to
    /// row 0 plus 3·e15 projects to row 0's exact coordinates and is coded as row 0's duplicate,
    /// with row 0's residual (≈ 0). Its score 3.x is bounded by ≈ 0.1·‖row 0‖² and it is pruned.
    @Test func innerProductRowOutsideTheSampleThatDiffersOnlyOutsideTheBasis() throws {
        let n = 9_000, d = 16
        var rng = SplitMix64(seed: 0x5EED)
        let sampled = Set(ProjectionBasis.sampleIndices(rowCount: n, count: 8_192, rng: &rng))
        let special = try #require((1..<n).first { !sampled.contains($0) })
        var data = SeededRNG(seed: 12)
        var recs = (0..<n).map { i in
            VectorRecord(id: "r\(i)", vector: (0..<d).map { $0 < 4 ? Float.random(in: -1...1, using: &data) : 0 })
        }
        recs[special].vector = recs[0].vector
        recs[special].vector[15] = 3
        let pair = try Pair(dimension: d, metric: .ip)
        defer { pair.cleanup() }
        try pair.both { try $0.add(recs) }
        #expect(pair.vprojCount == 1)
        var q = recs[0].vector.map { $0 * 0.1 }
        q[15] = 1
        let exactTop = try pair.exact.query(vector: q, k: 1)
        #expect(exactTop.first?.id == "r\(special)")
        let problem = try pair.mismatch(q, k: 1)
        #expect(problem == nil, "\(problem ?? "")")
    }

    /// Inner product with small norms: the store ranks by the float32 *distance* `1 − q·x`, whose
    /// resolution near 1 is 2⁻²⁴ ≈ 6·10⁻⁸, far coarser than the index's intervals (absolute
    /// allowance 10⁻⁹). Rows whose distances round to the k-th distance tie with it (the scan then
    /// orders them by row), but the index prunes the lower-scoring ones. (Rows ‖x‖ ≈ 0.09 and
    /// queries ‖q‖ ≈ 10⁻⁵; the quantised scan has the same flaw. Smaller rows, ×10⁻⁵ and below,
    /// are refused by `ProjectedRows.build` and get HNSW.)
    @Test(arguments: [(Float(1e-2), Float(1e-6))])
    func innerProductSmallNormsTieInFloatDistance(rowScale: Float, queryScale: Float) throws {
        let pair = try Pair(dimension: 64, metric: .ip)
        defer { pair.cleanup() }
        let base = IndexedSearchTests.structured(1_000, dim: 64, seed: 3)
        var recs = base
        for i in recs.indices { recs[i].vector = recs[i].vector.map { $0 * rowScale } }
        try pair.both { try $0.add(recs) }
        #expect(pair.vprojCount == 1)
        var problems: [String] = []
        for qi in stride(from: 0, to: 1_000, by: 50) {
            let q = base[qi].vector.map { $0 * queryScale }
            if let p = try pair.mismatch(q, k: 10) { problems.append("query \(qi): \(p)") }
        }
        #expect(problems.isEmpty, "\(problems.count) of 20 queries differ; first: \(problems.first ?? "")")
    }

    /// A cosine query whose float32 norm overflows (components 1e20) is not normalised by
    /// `VectorMath.normalized`; the store's own scan then gives every row distance 1 (a tie broken
    /// by row), while the index ranks by the unnormalised query and prunes most rows. (Shared with
    /// the quantised scan, which normalises the query the same way.)
    @Test func cosineQueryWhoseFloatNormOverflows() throws {
        let pair = try Pair(dimension: 64, metric: .cosine)
        defer { pair.cleanup() }
        let recs = IndexedSearchTests.structured(1_000, dim: 64, seed: 3)
        try pair.both { try $0.add(recs) }
        #expect(pair.vprojCount == 1)
        let q = recs[500].vector.map { $0 * 1e20 }
        let problem = try pair.mismatch(q, k: 10)
        #expect(problem == nil, "\(problem ?? "")")
    }

    // MARK: - Regression (exact today)

    /// Two projected segments, deletions (tombstones), metadata filters, upserts that duplicate
    /// other rows bit for bit, zero and orthogonal-ish queries, then compaction into one projected
    /// segment: after every step the answers equal the full scan's, ids, distances and tie order.
    @Test(arguments: [DistanceMetric.cosine, .ip])
    func deletionsFiltersDuplicatesAndCompaction(metric: DistanceMetric) throws {
        let pair = try Pair(dimension: 64, metric: metric)
        defer { pair.cleanup() }
        let recs = IndexedSearchTests.structured(1_400, dim: 64, seed: 31)
        try pair.both { try $0.add(Array(recs[0..<700])) }
        try pair.both { try $0.add(Array(recs[700...])) }
        #expect(pair.vprojCount == 2)
        var rng = SeededRNG(seed: 8)
        var queries = (0..<6).map { _ in recs[Int.random(in: 0..<recs.count, using: &rng)].vector }
        queries.append([Float](repeating: 0, count: 64))
        queries.append(Fixtures.vector(64, &rng).map { $0 * 50 })
        let filters: [MetadataFilter?] = [nil, .eq("third", .int(1))]
        func compare(_ step: String) throws {
            for (qi, q) in queries.enumerated() {
                for f in filters {
                    for k in [1, 10, 40] {
                        let problem = try pair.mismatch(q, k: k, where: f)
                        #expect(problem == nil, "\(step), query \(qi), k \(k), filter \(f == nil ? "no" : "yes"): \(problem ?? "")")
                    }
                }
            }
        }
        try compare("initial")
        // Tombstones in both segments, including the rows nearest to the first queries.
        let nearest = try pair.exact.query(vector: queries[0], k: 5).map(\.id)
        let deleted = nearest + (0..<1_400).filter { $0 % 9 == 4 }.map { "s\($0)" }
        try pair.both { _ = try $0.delete(ids: deleted) }
        try compare("after delete")
        // Upserts that copy other rows' vectors exactly (ties between segments and inside one).
        let copies = (0..<30).map { i in
            VectorRecord(id: "copy\(i)", vector: recs[(i * 37) % 1_400].vector, document: nil,
                         metadata: ["third": .int(i % 3), "i": .int(10_000 + i)])
        }
        let overwritten = (0..<20).map { i in
            VectorRecord(id: "s\(i * 11 + 1)", vector: recs[i * 11 + 2].vector, document: nil,
                         metadata: ["third": .int(1), "i": .int(i)])
        }
        try pair.both { try $0.upsert(copies + overwritten) }
        queries.append(recs[2].vector)
        try compare("after upsert")
        try pair.both { try $0.compact() }
        #expect(pair.vprojCount == 1)
        try compare("after compaction")
        #expect(pair.plans.contains("projection"))
        #expect(try pair.projectedDB.verify().isHealthy)
    }

    /// A `.vproj` rewritten with every residual norm set to 0 and a *valid* CRC32C parses as a
    /// projection index (the CRC only guards against accidental damage, and residuals cannot be
    /// checked without the rows) and would drop rows; the store must catch it by the SHA-256 in
    /// the manifest, report it, and answer from a rebuilt index.
    @Test func consistentlyForgedResidualsAreCaughtByTheManifestChecksum() throws {
        let pair = try Pair(dimension: 64, metric: .cosine)
        defer { pair.cleanup() }
        let recs = IndexedSearchTests.structured(1_000, dim: 64, seed: 3)
        try pair.both { try $0.add(recs) }
        let data = pair.dirs.0.path + "/collections/p/data/"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: data).first { $0.hasSuffix(".vproj") })
        let original = try ProjectedRows(serialized: Array(try Data(contentsOf: URL(fileURLWithPath: data + file))))
        let forged = ProjectedRows(basis: original.basis, rowCount: original.rowCount, normalized: original.normalized,
                                   projections: original.projections,
                                   residualNorms: [Float](repeating: 0, count: original.rowCount),
                                   projectionError: 0, maxRowNorm: original.maxRowNorm)
        let bytes = forged.serialized()
        #expect(throws: Never.self) { try ProjectedRows(serialized: bytes) }
        try Data(bytes).write(to: URL(fileURLWithPath: data + file))
        let reopened = try VectorDatabase(directory: pair.dirs.0.url, configuration: Self.projectedConfig())
        let report = try reopened.verify()
        #expect(report.problems.count == 1 && report.problems.first?.file?.hasSuffix(file) == true)
        let c = try reopened.collection(named: "p")
        var rng = SeededRNG(seed: 2)
        for _ in 0..<5 {
            let q = Fixtures.vector(64, &rng)
            #expect(try c.query(vector: q, k: 10).map(\.id) == pair.exact.query(vector: q, k: 10).map(\.id))
        }
        #expect(try reopened.verify().isHealthy)
    }
}
