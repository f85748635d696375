import Foundation
import Testing
@testable import VectorStore

@Suite("Optimistic commits (in-process)")
struct ConcurrencyTests {
    /// Two writers that both loaded version N both commit; the loser re-applies on top.
    @Test func loserReappliesOnTopOfWinner() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let a = try VectorDatabase(directory: dir.url).createCollection(name: "c", dimension: 4)
        let b = try VectorDatabase(directory: dir.url).collection(named: "c")
        let n = try a.version()
        #expect(try b.version() == n)
        var attempts = 0
        let recordA = VectorRecord(id: "from-a", vector: [1, 0, 0, 0])
        let segA = try a.writeSegments(RecordRows(records: [recordA][...], dimension: 4))
        try a.commit("test add") { snap, _ in
            attempts += 1
            if attempts == 1 {
                // B commits version N+1 while A is building on N.
                try b.add([VectorRecord(id: "from-b", vector: [0, 1, 0, 0])])
            }
            var m = snap.manifest
            m.segments += segA
            m.count += 1
            return m
        }
        #expect(attempts == 2)
        #expect(try a.version() == n + 2)
        #expect(Set(try a.get().map(\.id)) == ["from-a", "from-b"])
        #expect(Set(try b.get().map(\.id)) == ["from-a", "from-b"])
        #expect(try VectorDatabase(directory: dir.url).verify().isHealthy)
    }

    /// A writer slower than the grace period: another process's garbage collection quarantines its
    /// not-yet-committed segment (unreferenced and old); the commit takes it back and succeeds.
    @Test func writerSlowerThanTheGracePeriodTakesBackItsQuarantinedFiles() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let config = VectorDatabase.Configuration(gcGracePeriod: 0.2)
        let writer = try VectorDatabase(directory: dir.url, configuration: config).createCollection(name: "c", dimension: 4)
        let pending = try writer.writeSegments(RecordRows(records: [VectorRecord(id: "late", vector: [0, 1, 0, 0])][...], dimension: 4))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try VectorDatabase(directory: dir.url, configuration: config).collectGarbage() >= 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/collections/c/" + pending[0].data.file))
        try writer.commit("slow add") { snap, _ in
            var m = snap.manifest
            m.segments += pending
            m.count += 1
            return m
        }
        #expect(try writer.get().map(\.id) == ["late"])
        #expect(try VectorDatabase(directory: dir.url).verify().isHealthy)
    }

    /// A writer slower than twice the grace period: its quarantined segment was deleted by a later
    /// collection run. The commit must then fail with a typed error naming the file, and the store
    /// must stay as it was: no manifest naming a missing file.
    @Test func writerSlowerThanTwiceTheGracePeriodFailsCleanly() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let config = VectorDatabase.Configuration(gcGracePeriod: 0.2)
        let writer = try VectorDatabase(directory: dir.url, configuration: config).createCollection(name: "c", dimension: 4)
        try writer.add([VectorRecord(id: "kept", vector: [1, 0, 0, 0])])
        let version = try writer.version()
        let pending = try writer.writeSegments(RecordRows(records: [VectorRecord(id: "late", vector: [0, 1, 0, 0])][...], dimension: 4))
        Thread.sleep(forTimeInterval: 0.3)
        let collector = try VectorDatabase(directory: dir.url, configuration: config)
        #expect(try collector.collectGarbage() >= 1)  // quarantined
        Thread.sleep(forTimeInterval: 0.3)
        _ = try collector.collectGarbage()             // deleted
        let file = pending[0].data.file
        #expect(try !FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections/c/data").contains {
            $0.hasSuffix(String(file.dropFirst("data/".count)))
        })
        do {
            try writer.commit("slow add") { snap, _ in
                var m = snap.manifest
                m.segments += pending
                m.count += 1
                return m
            }
            Issue.record("a commit naming a collected file was published")
        } catch let error as StorageError {
            #expect(error.code == .missingFile)
            #expect(error.message.contains(file) && error.message.contains("grace period"))
        }
        #expect(try writer.version() == version)
        #expect(try writer.get().map(\.id) == ["kept"])
        #expect(try VectorDatabase(directory: dir.url).verify().isHealthy)
    }

    /// Committing claims the writer's files: their modification time is refreshed at publish time,
    /// so a collector that read the manifests just before the publish still sees them as young.
    @Test func commitRefreshesTheModificationTimeOfNewFiles() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let writer = try VectorDatabase(directory: dir.url, configuration: .init(gcGracePeriod: 60))
            .createCollection(name: "c", dimension: 4)
        let pending = try writer.writeSegments(RecordRows(records: [VectorRecord(id: "a", vector: [0, 1, 0, 0])][...], dimension: 4))
        let path = dir.path + "/collections/c/" + pending[0].data.file
        let past = Date(timeIntervalSinceNow: -3600)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        try writer.commit("add") { snap, _ in
            var m = snap.manifest
            m.segments += pending
            m.count += 1
            return m
        }
        let mtime = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        #expect(abs(mtime.timeIntervalSinceNow) < 60)
        #expect(try writer.count() == 1)
    }

    @Test func exclusivePublishRefusesAnExistingVersion() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url)
        _ = try db.createCollection(name: "c", dimension: 2)
        let log = ManifestLog(directory: dir.path + "/collections/c")
        var m = try log.read(version: 1)
        #expect(try log.publish(m) == false)
        m.version = 2
        #expect(try log.publish(m))
        #expect(try log.publish(m) == false)
        #expect(try log.latestVersion() == 2)
    }

    /// Many threads, two database objects, one collection: every batch lands exactly once.
    @Test func concurrentWritersLoseNothing() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db1 = try VectorDatabase(directory: dir.url, configuration: .init(autoCompactSegments: 6))
        let db2 = try VectorDatabase(directory: dir.url, configuration: .init(autoCompactSegments: 6))
        _ = try db1.createCollection(name: "c", dimension: 8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                let db = w % 2 == 0 ? db1 : db2
                group.addTask {
                    let c = try db.collection(named: "c")
                    for batch in 0..<10 {
                        try c.upsert(Fixtures.records(25, dim: 8, seed: UInt64(w * 100 + batch), prefix: "w\(w)b\(batch)-"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let c = try VectorDatabase(directory: dir.url).collection(named: "c")
        #expect(try c.count() == 1000)
        #expect(Set(try c.get().map(\.id)).count == 1000)
        #expect(try VectorDatabase(directory: dir.url).verify().isHealthy)
    }

    /// A reader handle opened before other writers committed sees their rows in get and query alike.
    @Test func longLivedReaderAgreesWithItself() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let reader = try VectorDatabase(directory: dir.url).createCollection(name: "c", dimension: 8)
        #expect(try reader.count() == 0)
        let writer = try VectorDatabase(directory: dir.url).collection(named: "c")
        let recs = Fixtures.records(300, dim: 8)
        try writer.add(recs)
        #expect(try reader.get().count == 300)
        #expect(try reader.query(vector: recs[42].vector, k: 1).first?.id == "r42")
        try writer.delete(ids: ["r42"])
        #expect(try reader.get(ids: ["r42"]).isEmpty)
        #expect(try reader.query(vector: recs[42].vector, k: 1).first?.id != "r42")
    }

    /// 100k rows in one call: split into several segments, committed by one manifest; a failing
    /// batch leaves nothing behind.
    @Test func largeBatchIsAllOrNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: .init(gcGracePeriod: 0, maxSegmentRows: 30_000, hnswMinRows: 1_000_000))
        let c = try db.createCollection(name: "big", dimension: 4)
        var rng = SeededRNG(seed: 5)
        var recs = (0..<100_000).map { i in VectorRecord(id: "id\(i)", vector: Fixtures.vector(4, &rng)) }
        try c.add(recs)
        #expect(try c.count() == 100_000)
        #expect(try c.version() == 2)
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections/big/data").sorted()
        #expect(filesBefore.count == 4)
        // Same ids again with add: duplicate → nothing applied, no stray files.
        recs = recs.map { VectorRecord(id: $0.id + "-x", vector: $0.vector) }
        recs[99_999].id = "id5"
        #expect(throws: StorageError.self) { try c.add(recs) }
        #expect(try c.count() == 100_000)
        let filesAfter = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections/big/data").sorted()
        #expect(filesAfter == filesBefore)
    }
}
