import Foundation
import Observability
import Testing
import VectorIndex
@testable import VectorStore

/// Large low-rank segments get the exact projection index instead of HNSW: queries through it
/// (filtered or not) return exactly what brute force returns; damage is reported and repaired.
@Suite("Projection index segments")
struct ProjectedIndexTests {
    static func config() -> VectorDatabase.Configuration {
        // Segments of ≥ 500 rows are indexed (no quantised scan), as 100k-row segments are by default.
        VectorDatabase.Configuration(gcGracePeriod: 0, hnswMinRows: 500,
                                     planner: SearchPlanner(exactRowLimit: 400, minimumHNSWSelectivity: 0.1, exactMatchLimit: 50,
                                                            quantizedComponentLimit: 0))
    }

    static func bruteForce(_ recs: [VectorRecord], _ q: [Float], k: Int, _ f: MetadataFilter?, metric: DistanceMetric) -> [String] {
        let kept = recs.filter { f?.matches($0.metadata) ?? true }
        let scored: [(id: String, distance: Float)] = kept.map { ($0.id, Fixtures.distance(metric, q, $0.vector)) }
        let sorted = scored.sorted { $0.distance < $1.distance }
        return sorted.prefix(k).map(\.id)
    }

    @Test(arguments: [DistanceMetric.cosine, .ip])
    func lowRankSegmentsAreSearchedExactlyThroughAProjection(metric: DistanceMetric) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let handler = InMemoryLogHandler()
        let db = try VectorDatabase(directory: dir.url, configuration: Self.config(),
                                    logger: Logger(label: "test", level: .debug, handler: handler))
        let c = try db.createCollection(name: "p", dimension: 96, metric: metric)
        let recs = IndexedSearchTests.structured(3_000, dim: 96, seed: 21)
        try c.add(recs)
        let files = try db.snapshotFiles()
        #expect(files.contains { $0.hasSuffix(".vproj") } && !files.contains { $0.hasSuffix(".hnsw") })
        var rng = SeededRNG(seed: 9)
        let third = MetadataFilter.eq("third", .int(2))
        for qi in 0..<15 {
            let q = recs[Int.random(in: 0..<recs.count, using: &rng)].vector.map { $0 + Float(qi % 4) * 0.02 }
            let got = try c.query(vector: q, k: 10)
            #expect(got.map(\.id) == Self.bruteForce(recs, q, k: 10, nil, metric: metric))
            let filtered = try c.query(vector: q, k: 10, where: third)
            #expect(filtered.map(\.id) == Self.bruteForce(recs, q, k: 10, third, metric: metric))
        }
        #expect(IndexedSearchTests.plans(handler).allSatisfy { $0 == "projection" })
        #expect(try db.verify().isHealthy)
    }

    @Test func l2AndFullRankSegmentsStillGetHNSW() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: Self.config())
        try db.createCollection(name: "l2", dimension: 96, metric: .l2).add(IndexedSearchTests.structured(600, dim: 96, seed: 1))
        var rng = SeededRNG(seed: 4)
        let random = (0..<600).map { VectorRecord(id: "r\($0)", vector: Fixtures.vector(64, &rng)) }
        try db.createCollection(name: "random", dimension: 64).add(random)
        let files = try db.snapshotFiles()
        #expect(files.filter { $0.hasSuffix(".hnsw") }.count == 2)
        #expect(!files.contains { $0.hasSuffix(".vproj") })
    }

    @Test(arguments: ["flip", "missing"])
    func damagedProjectionIsReportedAndRebuiltFromRows(damage: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let recs = IndexedSearchTests.structured(1_000, dim: 64, seed: 3)
        do {
            let db = try VectorDatabase(directory: dir.url, configuration: Self.config())
            try db.createCollection(name: "p", dimension: 64).add(recs)
        }
        let data = dir.path + "/collections/p/data/"
        let indexFile = try #require(try FileManager.default.contentsOfDirectory(atPath: data).first { $0.hasSuffix(".vproj") })
        if damage == "flip" {
            try CorruptionTests.flip(data + indexFile, at: 300)
        } else {
            try FileManager.default.removeItem(atPath: data + indexFile)
        }
        let db = try VectorDatabase(directory: dir.url, configuration: Self.config())
        let report = try db.verify()
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.file?.hasSuffix(indexFile) == true)
        let q = recs[10].vector
        #expect(try db.collection(named: "p").query(vector: q, k: 5).map(\.id) == Self.bruteForce(recs, q, k: 5, nil, metric: .cosine))
        #expect(try db.verify().isHealthy)
        #expect(try db.snapshotFiles().contains { $0.hasSuffix(".vproj") })
    }
}
