import CryptoSupport
import Foundation
import ObjectStore
import Synchronization
import Testing
@testable import Backup

@Suite("Prune, list and drill")
struct PruneAndListTests {
    struct Setup {
        let dir: URL
        let data: URL
        let store: InMemoryObjectStore
        let clock: TestClock
        let engine: BackupEngine
        let armed: Flag
    }

    /// Backups on the given days (relative to a fixed start), one per day, via an injected clock.
    private func makeSetup(kind: BackupKind = .full) throws -> Setup {
        let dir = try BackupFixtures.tempDir("prune")
        let armed = Flag()
        // When armed, publishing latest/ fails: the backup is complete but never becomes latest.
        let store = InMemoryObjectStore(faults: { _, key in
            if armed.isSet && key.hasPrefix("latest/") { throw CancellationError() }
        })
        let clock = TestClock(Date(timeIntervalSince1970: 1_796_000_000))
        let engine = BackupEngine(store: store, adapter: DirectoryStoreAdapter(),
                                  configuration: .init(workDirectory: dir, toolVersion: "test"), clock: clock.function)
        let data = dir.appendingPathComponent("db")
        try BackupFixtures.makeStore(at: data, segments: 1)
        return Setup(dir: dir, data: data, store: store, clock: clock, engine: engine, armed: armed)
    }

    private func backups(on days: [Double], _ setup: Setup, kind: BackupKind = .full) async throws -> [BackupTimestamp] {
        var result: [BackupTimestamp] = []
        var current = 0.0
        for day in days {
            setup.clock.advance(days: day - current)
            current = day
            // Change one file so every backup differs.
            try Data("day \(day)".utf8).write(to: setup.data.appendingPathComponent("day.txt"))
            result.append(try await setup.engine.backup(directory: setup.data, kind: kind).timestamp)
        }
        return result
    }

    @Test func keepDaysAndKeepLastFollowThePolicyExactly() async throws {
        let setup = try makeSetup()
        defer { try? FileManager.default.removeItem(at: setup.dir) }
        let ts = try await backups(on: [0, 5, 10, 20, 31, 40, 45], setup)
        setup.clock.advance(days: 50 - 45)  // now = day 50, cutoff = day 20

        let dry = try await setup.engine.prune(policy: .init(keepDays: 30), dryRun: true)
        #expect(dry.deleted == Array(ts[0..<3]))
        #expect(dry.dryRun)
        #expect(try await setup.engine.list().count == 7)  // nothing deleted

        let withLast = try await setup.engine.prune(policy: .init(keepDays: 30, keepLast: 6), dryRun: true)
        #expect(withLast.deleted == [ts[0]])

        let report = try await setup.engine.prune(policy: .init(keepDays: 30), dryRun: false)
        #expect(report.deleted == Array(ts[0..<3]))
        let remaining = try await setup.engine.list().map(\.timestamp)
        #expect(remaining == Array(ts[3...]))
        #expect(report.kept.first { $0.timestamp == ts[6] }?.reasons.contains("latest") == true)
        #expect(setup.store.keys.filter { $0.hasPrefix(ts[0].text) }.isEmpty)
        _ = try await setup.engine.verify(.latest)
    }

    @Test func neverDeletesLatestOrNewestGoodBackup() async throws {
        let setup = try makeSetup()
        defer { try? FileManager.default.removeItem(at: setup.dir) }
        let ts = try await backups(on: [0, 1], setup)
        // Day 2: complete, but publishing latest/ fails → latest stays at day 1.
        setup.clock.advance(days: 1)
        setup.armed.set(true)
        try Data("day 2".utf8).write(to: setup.data.appendingPathComponent("day.txt"))
        await #expect(throws: (any Error).self) { _ = try await setup.engine.backup(directory: setup.data) }
        setup.armed.set(false)
        // Day 3: an interrupted backup: archive uploaded, manifest never written.
        setup.clock.advance(days: 1)
        let partial = BackupTimestamp(date: setup.clock.now)
        try await setup.store.put(Data("partial".utf8), key: BackupLayout.archiveKey(partial))

        let rows = try await setup.engine.list()
        #expect(rows.map(\.complete) == [true, true, true, false])
        #expect(rows.map(\.isLatest) == [false, true, false, false])

        setup.clock.advance(days: 400)
        let report = try await setup.engine.prune(policy: .init(keepDays: 0, keepLast: 0), dryRun: false)
        let keptTimestamps = report.kept.map(\.timestamp)
        #expect(keptTimestamps.contains(ts[1]))  // latest
        #expect(keptTimestamps.count == 2)       // + newest complete (day 2)
        #expect(report.kept.contains { $0.reasons.contains("newest complete backup") && $0.timestamp != ts[1] })
        #expect(report.deleted.contains(ts[0]) && report.deleted.contains(partial))
        #expect(try await setup.engine.manifest(for: .latest).timestamp == ts[1])
        _ = try await setup.engine.verify(.latest)
    }

    @Test func incrementalObjectsAreCollectedOnlyWhenUnreferenced() async throws {
        let setup = try makeSetup()
        defer { try? FileManager.default.removeItem(at: setup.dir) }
        let ts = try await backups(on: [0, 40], setup, kind: .incremental)
        let oldOnly = "day 0.0"
        let oldObject = BackupLayout.objectKey(sha256: SHA256Hex.of(oldOnly))
        #expect(setup.store.keys.contains(oldObject))
        setup.clock.advance(days: 10)
        let report = try await setup.engine.prune(policy: .init(keepDays: 30), dryRun: false)
        #expect(report.deleted == [ts[0]])
        #expect(!setup.store.keys.contains(oldObject))
        // Everything the surviving backup needs is still there.
        let restored = try await setup.engine.verify(.latest)
        #expect(restored.timestamp == ts[1])
    }

    @Test func badPolicyIsAnInvalidArgument() async throws {
        let setup = try makeSetup()
        defer { try? FileManager.default.removeItem(at: setup.dir) }
        let error = await #expect(throws: BackupError.self) {
            _ = try await setup.engine.prune(policy: .init(keepDays: nil, keepLast: nil), dryRun: true)
        }
        #expect(error?.code == .invalidArgument)
        #expect(throws: BackupError.self) { _ = try BackupSelector(parsing: "yesterday") }
        #expect(try BackupSelector(parsing: "20261201_020000") == .timestamp(BackupTimestamp("20261201_020000")!))
        #expect(BackupTimestamp("20261301_020000") == nil)
    }

    @Test func drillRestoresIntoScratchAndComparesCounts() async throws {
        let setup = try makeSetup()
        defer { try? FileManager.default.removeItem(at: setup.dir) }
        _ = try await setup.engine.backup(directory: setup.data)
        let before = try BackupFixtures.contents(of: setup.data)
        let report = try await setup.engine.drill(liveDirectory: setup.data)
        #expect(report.countsMatch)
        #expect(report.liveStorePresent)
        #expect(!FileManager.default.fileExists(atPath: report.scratchDirectory))
        #expect(try BackupFixtures.contents(of: setup.data) == before)  // live store untouched
        // The live store grows: the drill reports the difference.
        try Data("new".utf8).write(to: setup.data.appendingPathComponent("collections/fine_dining_examples/extra"))
        let changed = try await setup.engine.drill(liveDirectory: setup.data)
        #expect(!changed.countsMatch)
        let row = changed.comparisons.first { $0.collection == "collections" }
        #expect(row?.live == (row?.restored).map { $0 + 1 })
    }
}

enum SHA256Hex {
    static func of(_ text: String) -> String {
        Hex.encode(CryptoSupport.SHA256.hash(text))
    }
}
