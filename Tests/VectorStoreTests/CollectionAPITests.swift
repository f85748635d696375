import Foundation
import Testing
@testable import VectorStore

@Suite("Collection API")
struct CollectionAPITests {
    @Test func createAddGetCountAndReopen() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "examples", dimension: 8,
                                        attributes: ["embedder.provider": "offline", "embedder.dimension": "8"])
        let recs = Fixtures.records(20, dim: 8)
        try c.add(recs)
        #expect(try c.count() == 20)
        let got = try c.get(ids: ["r3", "r1", "nope"], includeVectors: true)
        #expect(got.map(\.id) == ["r3", "r1"])
        #expect(got[0] == recs[3])
        // A fresh process view: new database object on the same directory.
        let db2 = try VectorDatabase(directory: dir.url)
        let c2 = try db2.collection(named: "examples")
        #expect(c2.attributes["embedder.provider"] == "offline")
        #expect(c2.dimension == 8)
        #expect(try c2.get(includeVectors: true) == recs)
        #expect(try c2.peek(limit: 3).map(\.id) == ["r0", "r1", "r2"])
        #expect(try c2.get(limit: 2, offset: 18).map(\.id) == ["r18", "r19"])
    }

    @Test func errorsAreTyped() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "c1", dimension: 4)
        #expect(throws: StorageError.self) { try db.createCollection(name: "c1", dimension: 4) }
        do { _ = try db.collection(named: "missing"); Issue.record("expected error") } catch let e as StorageError {
            #expect(e.code == .collectionNotFound)
        }
        func code(_ body: () throws -> Void) -> StorageError.Code? {
            do { try body(); return nil } catch let e as StorageError { return e.code } catch { return nil }
        }
        #expect(code { try c.add([VectorRecord(id: "a", vector: [1, 2, 3])]) } == .dimensionMismatch)
        #expect(code { _ = try c.query(vector: [1, 2], k: 1) } == .dimensionMismatch)
        try c.add([VectorRecord(id: "a", vector: [1, 2, 3, 4])])
        #expect(code { try c.add([VectorRecord(id: "a", vector: [1, 2, 3, 4])]) } == .duplicateID)
        #expect(code { try c.upsert([VectorRecord(id: "b", vector: [1, 2, 3, 4]), VectorRecord(id: "b", vector: [1, 2, 3, 4])]) } == .duplicateID)
        #expect(code { try c.update([VectorRecord(id: "zzz", vector: [1, 2, 3, 4])]) } == .idNotFound)
        #expect(code { _ = try db.createCollection(name: "../x", dimension: 4) } == .invalidArgument)
        #expect(code { try c.add([VectorRecord(id: "n", vector: [.nan, 0, 0, 0])]) } == .invalidArgument)
        #expect(code { _ = try db.getOrCreateCollection(name: "c1", dimension: 5) } == .dimensionMismatch)
        #expect(try c.count() == 1)
    }

    @Test func upsertUpdateDelete() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "c", dimension: 4)
        try c.upsert([VectorRecord(id: "a", vector: [1, 0, 0, 0], document: "alpha", metadata: ["n": .int(1)]),
                      VectorRecord(id: "b", vector: [0, 1, 0, 0], document: "beta", metadata: ["n": .int(2)])])
        try c.upsert([VectorRecord(id: "a", vector: [0, 0, 1, 0], document: "alpha2", metadata: ["n": .int(3)])])
        #expect(try c.count() == 2)
        let a = try c.get(ids: ["a"], includeVectors: true)[0]
        #expect(a.vector == [0, 0, 1, 0] && a.document == "alpha2" && a.metadata["n"] == .int(3))
        // update: empty vector keeps the vector, nil document keeps the document, metadata merges.
        try c.update([VectorRecord(id: "b", vector: [], document: nil, metadata: ["x": .string("y")])])
        let b = try c.get(ids: ["b"], includeVectors: true)[0]
        #expect(b.vector == [0, 1, 0, 0] && b.document == "beta" && b.metadata == ["n": .int(2), "x": .string("y")])
        #expect(try c.delete(ids: ["a", "zz"]) == 1)
        #expect(try c.count() == 1)
        #expect(try c.get().map(\.id) == ["b"])
        #expect(try c.delete(where: .eq("n", .int(2))) == 1)
        #expect(try c.count() == 0)
        #expect(try c.delete(ids: ["b"]) == 0)
        // Document filters, alone and with a metadata filter (rows matching both), as Chroma's where_document.
        try c.add([VectorRecord(id: "p", vector: [1, 0, 0, 0], document: "파스타 맛집", metadata: ["n": .int(1)]),
                   VectorRecord(id: "q", vector: [0, 1, 0, 0], document: "파스타 국밥", metadata: ["n": .int(2)]),
                   VectorRecord(id: "r", vector: [0, 0, 1, 0], document: "국밥", metadata: ["n": .int(2)])])
        #expect(try c.delete(where: .eq("n", .int(1)), whereDocument: .contains("국밥")) == 0)
        #expect(try c.delete(where: .eq("n", .int(2)), whereDocument: .contains("파스타")) == 1)
        #expect(try c.get().map(\.id).sorted() == ["p", "r"])
        #expect(try c.delete(whereDocument: .notContains("파스타")) == 1)
        #expect(try c.get().map(\.id) == ["p"])
        #expect(throws: StorageError.self) { try c.delete() }
    }

    @Test(arguments: DistanceMetric.allCases)
    func exactQueryMatchesBruteForce(metric: DistanceMetric) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "m", dimension: 37, metric: metric)
        let recs = Fixtures.records(300, dim: 37, seed: 7)
        // Several segments plus deletions.
        try c.add(Array(recs[0..<100]))
        try c.add(Array(recs[100..<300]))
        try c.delete(ids: ["r5", "r150"])
        var rng = SeededRNG(seed: 99)
        for _ in 0..<5 {
            let q = Fixtures.vector(37, &rng)
            let hits = try c.query(vector: q, k: 10)
            let expected = recs.filter { $0.id != "r5" && $0.id != "r150" }
                .map { ($0.id, Fixtures.distance(metric, q, $0.vector)) }
                .sorted { $0.1 < $1.1 }.prefix(10)
            #expect(hits.map(\.id) == expected.map(\.0))
            for (h, e) in zip(hits, expected) { #expect(abs(h.distance - e.1) < 1e-4) }
            // Filtered: only even rows of group g1.
            let f = MetadataFilter.and([.eq("even", .bool(true)), .eq("group", .string("g1"))])
            let fh = try c.query(vector: q, k: 5, where: f)
            let fe = recs.filter { $0.id != "r5" && $0.id != "r150" && f.matches($0.metadata) }
                .map { ($0.id, Fixtures.distance(metric, q, $0.vector)) }.sorted { $0.1 < $1.1 }.prefix(5)
            #expect(fh.map(\.id) == fe.map(\.0))
        }
        let many = try c.query(vectors: [recs[0].vector, recs[1].vector], k: 1)
        #expect(many.map { $0.first?.id } == ["r0", "r1"])
    }

    @Test func reUpsertingIdenticalRowsDoesNotGrow() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: Fixtures.fastConfig())
        let c = try db.createCollection(name: "c", dimension: 16)
        let recs = Fixtures.records(200, dim: 16)
        try c.upsert(recs)
        let before = try db.stats().totalBytes
        let version = try c.version()
        for _ in 0..<5 { try c.upsert(recs) }
        #expect(try db.stats().totalBytes == before)
        #expect(try c.version() == version)
        #expect(try c.count() == 200)
    }

    @Test func compactionMergesAndReclaims() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: Fixtures.fastConfig())
        let c = try db.createCollection(name: "c", dimension: 16)
        let recs = Fixtures.records(400, dim: 16)
        for i in 0..<4 { try c.add(Array(recs[(i * 100)..<((i + 1) * 100)])) }
        _ = try c.delete(where: .eq("even", .bool(true)))
        let before = try db.stats().totalBytes
        let q = recs[3].vector
        let hitsBefore = try c.query(vector: q, k: 10)
        try c.compact()
        let after = try db.stats().totalBytes
        #expect(after < before * 6 / 10)
        #expect(try c.count() == 200)
        #expect(try c.query(vector: q, k: 10).map(\.id) == hitsBefore.map(\.id))
        #expect(try db.verify().isHealthy)
        // Files on disk: only what the manifest names (grace period 0).
        let data = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections/c/data")
        #expect(data.count == 1)
    }

    @Test func deletingACollectionFreesFilesAndNameCanBeReused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: Fixtures.fastConfig())
        let c = try db.createCollection(name: "gone", dimension: 8)
        try c.add(Fixtures.records(100, dim: 8))
        try db.deleteCollection(named: "gone")
        #expect(try db.listCollections().isEmpty)
        let data = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections/gone/data")
        #expect(data.isEmpty)
        #expect(throws: StorageError.self) { _ = try c.count() }
        let again = try db.createCollection(name: "gone", dimension: 3)
        #expect(try again.count() == 0)
        #expect(try db.stats().collections.map(\.dimension) == [3])
    }

    @Test func statsAndSnapshotFiles() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        try db.createCollection(name: "b", dimension: 4).add(Fixtures.records(3, dim: 4))
        _ = try db.createCollection(name: "a", dimension: 2, metric: .l2, attributes: ["k": "v"])
        let stats = try db.stats()
        #expect(stats.collections.map(\.name) == ["a", "b"])
        #expect(stats.collections.map(\.count) == [0, 3])
        #expect(stats.collections[0].attributes == ["k": "v"])
        #expect(stats.totalBytes == stats.collections.reduce(0) { $0 + $1.bytes })
        #expect(stats.formatVersion == StoreFormat.version)
        let files = try db.snapshotFiles()
        #expect(files.contains("STORE"))
        for f in files { #expect(FileManager.default.fileExists(atPath: dir.path + "/" + f)) }
        #expect(files.filter { $0.hasSuffix(".vseg") }.count == 1)
    }
}

@Suite("Consistent copies")
struct SnapshotCopyTests {
    /// Copying exactly `snapshotFiles()` (what a backup does) gives a store that opens, verifies,
    /// reports the same stats and accepts writes.
    @Test func copyOfSnapshotFilesIsACompleteStore() throws {
        let src = TempDir(), dst = TempDir()
        defer { src.cleanup(); dst.cleanup() }
        let db = try VectorDatabase(directory: src.url)
        let c = try db.createCollection(name: "a", dimension: 8, attributes: ["embedder.model": "m"])
        try c.add(Fixtures.records(50, dim: 8))
        try c.delete(ids: ["r3"])
        _ = try db.createCollection(name: "empty", dimension: 4)
        for f in try db.snapshotFiles() {
            let target = dst.url.appendingPathComponent(f)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: src.url.appendingPathComponent(f), to: target)
        }
        let copy = try VectorDatabase(directory: dst.url)
        #expect(try copy.stats() == (try db.stats()))
        #expect(try copy.verify().isHealthy)
        try copy.collection(named: "empty").add([VectorRecord(id: "x", vector: [1, 2, 3, 4])])
        try copy.collection(named: "a").upsert([VectorRecord(id: "r1", vector: [Float](repeating: 1, count: 8))])
        #expect(try copy.collection(named: "a").count() == 49)
        #expect(try copy.verify().isHealthy)
    }
}
