import Foundation
import ObjectStore
import Testing
import VectorStore
@testable import Backup

@Suite("Backups of a real vector store")
struct VectorStoreBackupTests {
    private func records(_ prefix: String, _ range: Range<Int>, dimension: Int = 8) -> [VectorRecord] {
        range.map { i in
            VectorRecord(id: "\(prefix)-\(i)", vector: (0..<dimension).map { Float(($0 + 1) * (i % 29 + 1)) },
                         document: "문서 \(i)", metadata: ["n": .int(i)])
        }
    }

    private func makeEngine(_ dir: URL, store: any ObjectStore) -> BackupEngine {
        BackupEngine(store: store, adapter: VectorStoreAdapter(),
                     configuration: .init(workDirectory: dir, toolVersion: "test"))
    }

    /// The backup after each batch reclaims what garbage collection may free: a dropped
    /// collection's files are quarantined once the grace period has passed and deleted a grace
    /// period later (both simulated by ageing), and the live collection is untouched.
    @Test func snapshotReclaimsDroppedCollectionsPastTheGracePeriod() throws {
        let dir = try BackupFixtures.tempDir("vs-gc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("db")
        let database = try VectorDatabase(directory: data)
        try database.createCollection(name: "kept", dimension: 8).add(records("k", 0..<50))
        try database.createCollection(name: "dropped", dimension: 8).add(records("d", 0..<50))
        try database.deleteCollection(named: "dropped")
        let droppedData = data.appendingPathComponent("collections/dropped/data").path
        #expect(try !FileManager.default.contentsOfDirectory(atPath: droppedData).isEmpty)  // inside the grace period
        let anHourAgo = Date(timeIntervalSinceNow: -3600)
        let all = FileManager.default.enumerator(atPath: data.path)!.compactMap { $0 as? String }
        for file in all { try FileManager.default.setAttributes([.modificationDate: anHourAgo], ofItemAtPath: data.path + "/" + file) }
        let files = try VectorStoreAdapter().snapshotFiles(in: data)
        #expect(!files.contains { $0.contains("/dropped/data/") })
        // First run: quarantined (renamed `.gc-<ms>-<name>`), deleted by a run a grace period later.
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: droppedData)
        #expect(!quarantined.isEmpty && quarantined.allSatisfy { $0.hasPrefix(".gc-") })
        for name in quarantined {
            let original = name.split(separator: "-", maxSplits: 2).last.map(String.init) ?? name
            try FileManager.default.moveItem(atPath: droppedData + "/" + name, toPath: droppedData + "/.gc-1000-" + original)
        }
        _ = try VectorStoreAdapter().snapshotFiles(in: data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: droppedData).isEmpty)
        #expect(try VectorDatabase(directory: data).collection(named: "kept").count() == 50)
        #expect(try VectorDatabase(directory: data).verify().isHealthy)
    }

    @Test func backupsTakenWhileWritersRunAreConsistent() async throws {
        let dir = try BackupFixtures.tempDir("vs-backup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("db")
        let database = try VectorDatabase(directory: data)
        let collection = try database.createCollection(name: "examples", dimension: 8)
        try collection.add(records("seed", 0..<200))
        let engine = makeEngine(dir, store: LocalObjectStore(rootURL: dir.appendingPathComponent("backups")))

        // A writer commits small batches until told to stop.
        let stop = Flag()
        let writer = Task.detached {
            var batch = 0
            while !stop.isSet {
                try collection.upsert(self.records("w\(batch)", 0..<20))
                batch += 1
            }
            return batch
        }
        var results: [BackupResult] = []
        for kind in [BackupKind.full, .incremental, .full, .incremental] {
            results.append(try await engine.backup(directory: data, kind: kind))
        }
        stop.set(true)
        let batches = try await writer.value
        #expect(batches > 0)
        // Every backup restores to a store that passes full verification with a plausible count.
        for result in results {
            let verified = try await engine.verify(.timestamp(result.timestamp))
            let count = verified.summary.collections["examples"] ?? -1
            #expect(count >= 200 && (count - 200) % 20 == 0, "count \(count) is not seed + whole batches")
        }
    }

    @Test func damagedLiveStoreIsRestoredByInit() async throws {
        let dir = try BackupFixtures.tempDir("vs-damaged")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("db")
        let database = try VectorDatabase(directory: data)
        try database.createCollection(name: "a", dimension: 8).add(records("a", 0..<50))
        let engine = makeEngine(dir, store: InMemoryObjectStore())
        _ = try await engine.backup(directory: data)
        let statsBefore = try database.stats()
        // Flip one byte in a data file named by the manifest.
        let victim = try #require(try database.snapshotFiles().first { $0.contains("seg") || $0.hasSuffix(".bin") }
                                  ?? database.snapshotFiles().last)
        let url = data.appendingPathComponent(victim)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: url)
        let adapterError = #expect(throws: BackupError.self) { _ = try VectorStoreAdapter().verify(directory: data) }
        #expect(adapterError?.code == .verificationFailed)
        #expect(adapterError?.message.contains(victim) == true, "\(adapterError?.message ?? "")")

        let outcome = try await engine.initialize(directory: data)
        guard case .restored(_, _, let aside) = outcome else {
            Issue.record("expected restore, got \(outcome)")
            return
        }
        #expect(aside != nil)
        #expect(try VectorDatabase(directory: data).stats() == statsBefore)
    }
}
