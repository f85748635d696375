import CryptoSupport
import Foundation
import ObjectStore
import Synchronization
import Testing
@testable import Backup

@Suite("Backup engine (file:// and memory)")
struct BackupEngineTests {
    enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
        case file, memory
        var testDescription: String { rawValue }
    }

    struct Env {
        let dir: URL
        let data: URL
        let store: any ObjectStore
        let clock: TestClock

        func engine(_ configuration: BackupEngine.Configuration = .init(toolVersion: "test")) -> BackupEngine {
            var configuration = configuration
            configuration.workDirectory = dir.appendingPathComponent("work")
            return BackupEngine(store: store, adapter: DirectoryStoreAdapter(), configuration: configuration,
                                clock: clock.function)
        }
    }

    private func makeEnv(_ kind: StoreKind) throws -> Env {
        let dir = try BackupFixtures.tempDir("engine")
        let store: any ObjectStore = kind == .file
            ? LocalObjectStore(rootURL: dir.appendingPathComponent("backups")) : InMemoryObjectStore()
        return Env(dir: dir, data: dir.appendingPathComponent("data/db"), store: store,
                   clock: TestClock(Date(timeIntervalSince1970: 1_796_000_000)))  // 2026-11-30
    }

    // MARK: - Round trips

    @Test(arguments: StoreKind.allCases, BackupKind.allCases)
    func backupDeleteInitRestoresIdenticalStore(kind: StoreKind, backupKind: BackupKind) async throws {
        let env = try makeEnv(kind)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        let files = try BackupFixtures.makeStore(at: env.data)
        let engine = env.engine()
        let result = try await engine.backup(directory: env.data, kind: backupKind)
        #expect(result.fileCount == files.count)
        #expect(result.totalBytes == Int64(files.values.reduce(0) { $0 + $1.count }))

        try FileManager.default.removeItem(at: env.data)
        let outcome = try await engine.initialize(directory: env.data)
        guard case .restored(let restored, _, let aside) = outcome else {
            Issue.record("expected a restore, got \(outcome)")
            return
        }
        #expect(aside == nil)
        #expect(restored.timestamp == result.timestamp)
        #expect(try BackupFixtures.contents(of: env.data) == files)
        // No staging leftovers beside the store.
        let siblings = try FileManager.default.contentsOfDirectory(atPath: env.data.deletingLastPathComponent().path)
        #expect(siblings == ["db"])
        // A healthy store is kept as is.
        guard case .kept = try await engine.initialize(directory: env.data) else {
            Issue.record("healthy store should be kept")
            return
        }
    }

    @Test func fullBackupLayoutOpensWithPlainTar() async throws {
        let env = try makeEnv(.file)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        let files = try BackupFixtures.makeStore(at: env.data)
        let result = try await env.engine().backup(directory: env.data)
        let root = env.dir.appendingPathComponent("backups")
        let keys = try await env.store.list(prefix: "").map(\.key)
        #expect(keys == ["\(result.timestamp.text)/manifest.json", "\(result.timestamp.text)/store.tar.gz",
                         "latest/manifest.json", "latest/store.tar.gz"])
        #expect(result.timestamp.text == "20261130_005320")
        let out = env.dir.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let (status, text) = try BackupFixtures.run(["tar", "-xzf", root.appendingPathComponent("latest/store.tar.gz").path,
                                                     "-C", out.path])
        #expect(status == 0, "\(text)")
        #expect(try BackupFixtures.contents(of: out.appendingPathComponent("db")) == files)
        let manifest = try BackupManifest.decode(try await env.store.get(key: "latest/manifest.json"), source: "test")
        #expect(manifest.kind == .full && manifest.toolVersion == "test")
        #expect(manifest.archive?.sha256 == (try SHA256.hexHash(fileAt: root.appendingPathComponent(manifest.archive?.key ?? ""))))
        #expect(manifest.files.count == files.count)
    }

    @Test(arguments: StoreKind.allCases)
    func incrementalSecondBackupUploadsAlmostNothing(kind: StoreKind) async throws {
        let env = try makeEnv(kind)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        try BackupFixtures.makeStore(at: env.data, segments: 6)
        let engine = env.engine()
        let first = try await engine.backup(directory: env.data, kind: .incremental)
        env.clock.advance(seconds: 3600)
        let second = try await engine.backup(directory: env.data, kind: .incremental)
        // Identical files (the two collections share segment contents here) are stored once.
        #expect(first.uploadedBytes > 0 && first.uploadedBytes < first.totalBytes)
        let share = Double(second.uploadedBytes) / Double(second.totalBytes)
        #expect(share < 0.05, "second backup uploaded \(second.uploadedBytes) of \(second.totalBytes)")
        // A changed store uploads only the new file.
        let extra = BackupFixtures.bytes(50_000, seed: 99)
        try extra.write(to: env.data.appendingPathComponent("collections/fine_dining_examples/segments/seg-new.bin"))
        env.clock.advance(seconds: 3600)
        let third = try await engine.backup(directory: env.data, kind: .incremental)
        #expect(third.uploadedBytes >= 50_000 && third.uploadedBytes < 60_000)
        // Every backup restores on its own.
        for result in [first, third] {
            let target = env.dir.appendingPathComponent("restore-\(result.timestamp.text)")
            _ = try await engine.restore(.timestamp(result.timestamp), into: target)
            #expect(try BackupFixtures.contents(of: target).count == result.fileCount)
        }
    }

    // MARK: - Interruption never becomes latest

    struct Injected: Error {}

    @Test(arguments: ["store.tar.gz", "/manifest.json", "latest/store.tar.gz", "latest/manifest.json"])
    func failedBackupNeverBecomesLatest(failingKeySuffix: String) async throws {
        let dir = try BackupFixtures.tempDir("engine-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let armed = Atomic<Bool>(false)
        let store = InMemoryObjectStore(faults: { _, key in
            if armed.load(ordering: .relaxed) && key.hasSuffix(failingKeySuffix)
                && (failingKeySuffix.hasPrefix("latest") || !key.hasPrefix("latest")) {
                throw Injected()
            }
        })
        let clock = TestClock(Date(timeIntervalSince1970: 1_796_000_000))
        let engine = BackupEngine(store: store, adapter: DirectoryStoreAdapter(), clock: clock.function)
        let data = dir.appendingPathComponent("db")
        let firstFiles = try BackupFixtures.makeStore(at: data, seed: 1)
        let first = try await engine.backup(directory: data)
        try BackupFixtures.makeStore(at: data, seed: 2)
        clock.advance(seconds: 60)
        armed.store(true, ordering: .relaxed)
        await #expect(throws: (any Error).self) { _ = try await engine.backup(directory: data) }
        armed.store(false, ordering: .relaxed)
        let latest = try await engine.manifest(for: .latest)
        #expect(latest.timestamp == first.timestamp)
        let verified = try await engine.verify(.latest)
        #expect(verified.timestamp == first.timestamp)
        let target = dir.appendingPathComponent("restored")
        _ = try await engine.restore(.latest, into: target)
        #expect(try BackupFixtures.contents(of: target) == firstFiles)
    }

    // MARK: - Corruption is refused

    @Test func corruptArchiveAndChecksumMismatchAreRefused() async throws {
        let env = try makeEnv(.file)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        let files = try BackupFixtures.makeStore(at: env.data)
        let engine = env.engine()
        let result = try await engine.backup(directory: env.data)
        let archiveURL = env.dir.appendingPathComponent("backups/\(result.timestamp.text)/store.tar.gz")
        var bytes = try Data(contentsOf: archiveURL)
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: archiveURL)

        let verifyError = await #expect(throws: BackupError.self) { _ = try await engine.verify(.latest) }
        #expect(verifyError?.code == .checksumMismatch)
        #expect(verifyError?.message.contains(result.timestamp.text) == true)
        // Restore refuses and leaves the live store untouched.
        let restoreError = await #expect(throws: BackupError.self) {
            _ = try await engine.restore(.latest, into: env.data)
        }
        #expect(restoreError?.code == .checksumMismatch)
        #expect(try BackupFixtures.contents(of: env.data) == files)
        // A manifest that lies about a file's digest is refused after extraction.
        let good = try await engine.backup(directory: env.data)
        var manifest = try await engine.manifest(for: .timestamp(good.timestamp))
        manifest.files[0].sha256 = String(repeating: "0", count: 64)
        try await env.store.put(try manifest.encoded(), key: BackupLayout.manifestKey(good.timestamp))
        let fileError = await #expect(throws: BackupError.self) { _ = try await engine.verify(.timestamp(good.timestamp)) }
        #expect(fileError?.code == .checksumMismatch)
        #expect(fileError?.message.contains(manifest.files[0].path) == true)
    }

    @Test func initRestoresDamagedStoreAndFallsBackToOlderBackup() async throws {
        let env = try makeEnv(.file)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        let adapter = FailingVerifyAdapter()
        var configuration = BackupEngine.Configuration(toolVersion: "test")
        configuration.workDirectory = env.dir.appendingPathComponent("work")
        let engine = BackupEngine(store: env.store, adapter: adapter, configuration: configuration,
                                  clock: env.clock.function)
        let oldFiles = try BackupFixtures.makeStore(at: env.data, seed: 1)
        let old = try await engine.backup(directory: env.data)
        try BackupFixtures.makeStore(at: env.data, seed: 2)
        env.clock.advance(seconds: 60)
        let newest = try await engine.backup(directory: env.data)
        // Damage the newest archive; then damage the live store.
        let archive = env.dir.appendingPathComponent("backups/\(newest.timestamp.text)/store.tar.gz")
        try Data("garbage".utf8).write(to: archive)
        try Data("BROKEN".utf8).write(to: env.data.appendingPathComponent(FailingVerifyAdapter.marker))
        let outcome = try await engine.initialize(directory: env.data)
        guard case .restored(let result, let reason, let aside) = outcome else {
            Issue.record("expected restore, got \(outcome)")
            return
        }
        #expect(result.timestamp == old.timestamp)
        #expect(reason.contains("verification"))
        #expect(aside.map { FileManager.default.fileExists(atPath: $0) } == true)
        #expect(try BackupFixtures.contents(of: env.data) == oldFiles)
    }

    /// The S3 lifecycle rule expires `<ts>/` folders after 30 days but never latest/: if backups
    /// stopped, latest/ alone must still restore.
    @Test(arguments: BackupKind.allCases)
    func latestStillRestoresWhenItsDatedFolderExpired(backupKind: BackupKind) async throws {
        let env = try makeEnv(.memory)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        let files = try BackupFixtures.makeStore(at: env.data)
        let engine = env.engine()
        let result = try await engine.backup(directory: env.data, kind: backupKind)
        let dated = try await env.store.list(prefix: result.timestamp.text + "/").map(\.key)
        #expect(!dated.isEmpty)
        try await env.store.delete(keys: dated)
        _ = try await engine.verify(.latest)
        try FileManager.default.removeItem(at: env.data)
        guard case .restored = try await engine.initialize(directory: env.data) else {
            Issue.record("expected a restore from latest/")
            return
        }
        #expect(try BackupFixtures.contents(of: env.data) == files)
        // A tampered latest/ copy is still caught by the checksum.
        if backupKind == .full {
            try await env.store.put(Data("tampered".utf8), key: BackupLayout.latestArchiveKey)
            await #expect(throws: BackupError.self) { _ = try await engine.verify(.latest) }
        }
    }

    @Test func restoreRemovesStagingLeftByKilledRestores() async throws {
        let env = try makeEnv(.memory)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        try BackupFixtures.makeStore(at: env.data)
        let engine = env.engine()
        _ = try await engine.backup(directory: env.data)
        let parent = env.data.deletingLastPathComponent()
        let stale = parent.appendingPathComponent(".db.restore-OLD")
        let fresh = parent.appendingPathComponent(".db.restore-FRESH")
        for dir in [stale, fresh] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("store"), withIntermediateDirectories: true)
        }
        // The injected clock is 2026-11-30; "fresh" is dated just before it, "stale" a day earlier.
        try FileManager.default.setAttributes([.modificationDate: env.clock.now.addingTimeInterval(-86_400)],
                                              ofItemAtPath: stale.path)
        try FileManager.default.setAttributes([.modificationDate: env.clock.now.addingTimeInterval(-60)],
                                              ofItemAtPath: fresh.path)
        _ = try await engine.restore(.latest, into: env.data)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }

    @Test func initWithoutAnyBackupKeepsGoing() async throws {
        let env = try makeEnv(.memory)
        defer { try? FileManager.default.removeItem(at: env.dir) }
        #expect(try await env.engine().initialize(directory: env.data) == .noBackupYet)
        let error = await #expect(throws: BackupError.self) { _ = try await env.engine().verify(.latest) }
        #expect(error?.code == .noBackup)
        // A damaged store with no backup to restore is an error that says both things.
        try BackupFixtures.makeStore(at: env.data)
        try Data("x".utf8).write(to: env.data.appendingPathComponent(FailingVerifyAdapter.marker))
        var configuration = BackupEngine.Configuration(toolVersion: "test")
        configuration.workDirectory = env.dir
        let engine = BackupEngine(store: env.store, adapter: FailingVerifyAdapter(), configuration: configuration)
        let damaged = await #expect(throws: BackupError.self) { _ = try await engine.initialize(directory: env.data) }
        #expect(damaged?.code == .verificationFailed)
        #expect(damaged?.message.contains("no backup to restore") == true)
        #expect(FileManager.default.fileExists(atPath: env.data.appendingPathComponent(FailingVerifyAdapter.marker).path))
    }
}

/// Directory adapter whose verification fails while a marker file exists.
struct FailingVerifyAdapter: BackupStoreAdapter {
    static let marker = "DAMAGED"
    let base = DirectoryStoreAdapter()
    func snapshotFiles(in directory: URL) throws -> [String] { try base.snapshotFiles(in: directory) }
    func summary(of directory: URL) throws -> StoreSummary { try base.summary(of: directory) }
    func verify(directory: URL) throws -> StoreSummary {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(Self.marker).path) {
            throw BackupError(code: .verificationFailed, message: "marker file present in \(directory.path)")
        }
        return try base.verify(directory: directory)
    }
}
