import CryptoSupport
import Foundation
import ObjectStore
import Observability

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BackupEngine {
    // MARK: - Resolve

    /// The manifest a selector names. `latest` is followed to its `<ts>/manifest.json`.
    /// - Throws: ``BackupError`` `.noBackup` when it does not exist or is incomplete.
    public func manifest(for selector: BackupSelector) async throws -> BackupManifest {
        switch selector {
        case .timestamp(let timestamp):
            let manifest = try await fetchManifest(key: BackupLayout.manifestKey(timestamp))
            guard manifest.timestamp == timestamp else {
                throw BackupError(code: .invalidManifest,
                                  message: "manifest in \(timestamp.text)/ names backup \(manifest.timestamp.text)")
            }
            return manifest
        case .latest:
            let pointer: BackupManifest
            do { pointer = try await fetchManifest(key: BackupLayout.latestManifestKey) } catch let error as BackupError
                where error.code == .noBackup {
                throw BackupError(code: .noBackup, message: "no backup yet at \(store.displayURL) (latest/ is empty)")
            }
            do {
                return try await manifest(for: .timestamp(pointer.timestamp))
            } catch let error as BackupError where error.code == .noBackup {
                // `<ts>/` may have been expired by an S3 lifecycle rule; latest/ holds a full copy
                // (manifest + archive) or, for incremental backups, names shared objects.
                if try await latestCopyIsUsable(pointer) {
                    logger.warning("backup.latest.folder_missing", ["backup.timestamp": .string(pointer.timestamp.text)])
                    return pointer
                }
                throw BackupError(code: .invalidManifest,
                                  message: "latest/ names backup \(pointer.timestamp.text), which is missing at \(store.displayURL)")
            }
        }
    }

    // MARK: - Materialize (download + checksums)

    /// Downloads a backup into `target` (must not exist or be empty) and checks every checksum.
    func materialize(_ manifest: BackupManifest, into target: URL, work: URL) async throws {
        switch manifest.kind {
        case .full:
            guard let archive = manifest.archive else {
                throw BackupError(code: .invalidManifest, message: "full backup \(manifest.timestamp.text) without archive")
            }
            let local = work.appendingPathComponent("download-\(BackupLayout.archiveName)")
            do {
                do { try await store.getFile(key: archive.key, to: local) } catch let error as ObjectStoreError
                    where error.code == .notFound {
                    // The dated folder expired: fall back to latest/'s copy (checked by sha256 below).
                    guard try await latestCopyIsUsable(manifest) else { throw error }
                    try await store.getFile(key: BackupLayout.latestArchiveKey, to: local)
                }
            } catch {
                let notFound = (error as? ObjectStoreError)?.code == .notFound
                throw BackupError(code: notFound ? .noBackup : .store,
                                  message: "downloading \(archive.key) failed at \(store.displayURL)",
                                  cause: (error as? ObjectStoreError) ?? SendableErrorBox(error))
            }
            let (sha, size) = try Self.digest(of: local)
            guard size == archive.size, sha == archive.sha256 else {
                throw BackupError(code: .checksumMismatch, message: "archive \(archive.key) of backup "
                    + "\(manifest.timestamp.text) has sha256 \(sha) and \(size) bytes; the manifest says "
                    + "\(archive.sha256) and \(archive.size) bytes")
            }
            let extracted = try SafeExtractor(root: archive.root).extract(archive: local, into: target)
            try? FileManager.default.removeItem(at: local)
            try Self.compare(extracted.map { ($0.path, $0.size, $0.sha256) }, with: manifest)
        case .incremental:
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let store = self.store
            let results = try await forEachConcurrently(manifest.files) { file -> (String, Int64, String) in
                let destination = target.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                guard let key = file.object else {
                    throw BackupError(code: .invalidManifest, message: "file \(file.path) has no object key")
                }
                do { try await store.getFile(key: key, to: destination) } catch {
                    throw BackupError(code: .store, message: "downloading \(key) (\(file.path)) failed at \(store.displayURL)",
                                      cause: (error as? ObjectStoreError) ?? SendableErrorBox(error))
                }
                let (sha, size) = try Self.digest(of: destination)
                return (file.path, size, sha)
            }
            try Self.compare(results, with: manifest)
            try Self.fsyncTree(target)
        }
    }

    /// Whether latest/ alone can restore `manifest` (its pointer equals it and, for a full backup,
    /// latest/store.tar.gz has the archive's size; the checksum is verified after download).
    func latestCopyIsUsable(_ manifest: BackupManifest) async throws -> Bool {
        guard let pointer = try? await fetchManifest(key: BackupLayout.latestManifestKey), pointer == manifest else {
            return false
        }
        guard let archive = manifest.archive else { return true }
        let info = try? await store.head(key: BackupLayout.latestArchiveKey)
        return info?.size == archive.size
    }

    /// Checks that the files written are exactly the manifest's, with its sizes and digests.
    static func compare(_ files: [(String, Int64, String)], with manifest: BackupManifest) throws {
        var expected: [String: BackupManifest.File] = [:]
        for file in manifest.files { expected[file.path] = file }
        for (path, size, sha) in files {
            guard let want = expected.removeValue(forKey: path) else {
                throw BackupError(code: .checksumMismatch,
                                  message: "backup \(manifest.timestamp.text) contains '\(path)', which its manifest does not list")
            }
            guard want.size == size, want.sha256 == sha else {
                throw BackupError(code: .checksumMismatch, message: "file '\(path)' of backup \(manifest.timestamp.text) "
                    + "has sha256 \(sha) (\(size) bytes); the manifest says \(want.sha256) (\(want.size) bytes)")
            }
        }
        if let missing = expected.keys.sorted().first {
            throw BackupError(code: .checksumMismatch,
                              message: "backup \(manifest.timestamp.text) lacks '\(missing)' (and \(expected.count - 1) more)")
        }
    }

    /// Verifies the store in `directory` with the adapter and compares counts with the manifest.
    func verifyRestoredStore(_ directory: URL, manifest: BackupManifest) throws -> StoreSummary {
        let summary: StoreSummary
        do { summary = try adapter.verify(directory: directory) } catch {
            throw BackupError(code: .verificationFailed,
                              message: "the store restored from backup \(manifest.timestamp.text) failed verification",
                              cause: (error as? BackupError) ?? SendableErrorBox(error))
        }
        if let recorded = manifest.summary, recorded.collections != summary.collections {
            throw BackupError(code: .verificationFailed, message: "backup \(manifest.timestamp.text): restored counts "
                + "\(summary.collections) differ from the recorded \(recorded.collections)")
        }
        return summary
    }

    // MARK: - Verify

    /// Downloads a backup, checks every checksum, opens the store in a temp dir and verifies it.
    /// - Throws: ``BackupError`` on any problem (missing, checksum, unsafe entry, store damage).
    public func verify(_ selector: BackupSelector = .latest) async throws -> RestoreResult {
        let started = Date()
        let manifest = try await manifest(for: selector)
        let work = try makeWorkDirectory("verify")
        defer { try? FileManager.default.removeItem(at: work) }
        let target = work.appendingPathComponent(BackupEngine.archiveRoot(for: work.appendingPathComponent("db")))
        try await materialize(manifest, into: target, work: work)
        let summary = try verifyRestoredStore(target, manifest: manifest)
        logger.info("backup.verified", ["backup.timestamp": .string(manifest.timestamp.text)])
        return RestoreResult(timestamp: manifest.timestamp, kind: manifest.kind, fileCount: manifest.files.count,
                             totalBytes: manifest.totalBytes, summary: summary,
                             seconds: Date().timeIntervalSince(started))
    }

    // MARK: - Restore

    /// Restores a backup into `directory`: verify, extract to a sibling temp dir, swap by rename.
    /// - Parameter keepPrevious: move an existing store aside (`<dir>.replaced-<ts>`) instead of deleting it.
    /// - Returns: the result and, when kept, where the previous store went.
    public func restore(_ selector: BackupSelector = .latest, into directory: URL,
                        keepPrevious: Bool = false) async throws -> (RestoreResult, String?) {
        let started = Date()
        let manifest = try await manifest(for: selector)
        let target = directory.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw BackupError.io("cannot create \(parent.path)", cause: error)
        }
        removeStaleStaging(beside: target)
        // Staging lives beside the target so the final rename stays on one file system.
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).restore-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw BackupError.io("cannot create staging directory \(staging.path)", cause: error)
        }
        let newStore = staging.appendingPathComponent("store")
        try await materialize(manifest, into: newStore, work: staging)
        let summary = try verifyRestoredStore(newStore, manifest: manifest)
        let aside = try Self.swap(newStore, into: target, keepPrevious: keepPrevious, label: manifest.timestamp.text)
        logger.info("backup.restored", ["backup.timestamp": .string(manifest.timestamp.text)])
        let result = RestoreResult(timestamp: manifest.timestamp, kind: manifest.kind, fileCount: manifest.files.count,
                                   totalBytes: manifest.totalBytes, summary: summary,
                                   seconds: Date().timeIntervalSince(started))
        return (result, aside)
    }

    /// Removes staging and old-store folders that killed restores left beside `target` (on EFS
    /// they would otherwise pile up). Only folders untouched for an hour: a concurrent restore's
    /// fresh staging folder is left alone.
    func removeStaleStaging(beside target: URL) {
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        let cutoff = clock().addingTimeInterval(-3600)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries where entry.hasPrefix(".\(name).restore-") || entry.hasPrefix(".\(name).old-") {
            let url = parent.appendingPathComponent(entry)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
            guard let modified, modified < cutoff else { continue }
            try? FileManager.default.removeItem(at: url)
            logger.notice("backup.stale_staging_removed", ["path": .string(url.path)])
        }
    }

    /// Replaces `target` by `newStore` with renames; returns where the old store went if kept.
    static func swap(_ newStore: URL, into target: URL, keepPrevious: Bool, label: String) throws -> String? {
        let parent = target.deletingLastPathComponent()
        var aside: URL?
        if FileManager.default.fileExists(atPath: target.path) {
            let name = keepPrevious ? "\(target.lastPathComponent).replaced-\(label)-\(UUID().uuidString.prefix(8))"
                : ".\(target.lastPathComponent).old-\(UUID().uuidString)"
            let moved = parent.appendingPathComponent(name)
            guard rename(target.path, moved.path) == 0 else {
                throw BackupError.io("rename", path: "\(target.path) → \(moved.path)", errno: errno)
            }
            aside = moved
        }
        guard rename(newStore.path, target.path) == 0 else {
            let code = errno
            if let aside { _ = rename(aside.path, target.path) }  // put the old store back
            throw BackupError.io("rename", path: "\(newStore.path) → \(target.path)", errno: code)
        }
        try SafeExtractor.fsyncDirectory(parent.path)
        if let aside, !keepPrevious {
            try? FileManager.default.removeItem(at: aside)
            return nil
        }
        return aside?.path
    }

    static func fsyncTree(_ directory: URL) throws {
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return }
        var dirs = [directory.path]
        while let relative = enumerator.nextObject() as? String {
            let path = directory.appendingPathComponent(relative).path
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                dirs.append(path)
                continue
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw BackupError.io("open", path: path, errno: errno) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw BackupError.io("fsync", path: path, errno: errno) }
        }
        for dir in dirs { try SafeExtractor.fsyncDirectory(dir) }
    }

    // MARK: - Init

    /// Keeps a store that exists and verifies; restores `latest` when it is missing or damaged.
    public func initialize(directory: URL) async throws -> InitOutcome {
        var reason = "store directory \(directory.path) is missing"
        if adapter.storeExists(at: directory) {
            do {
                return .kept(try adapter.verify(directory: directory))
            } catch {
                reason = "store failed verification: \(error)"
                logger.warning("backup.init.damaged", ["error.short": .string(String(describing: error))])
            }
        }
        let damaged = adapter.storeExists(at: directory)
        var candidates: [BackupSelector] = [.latest]
        var lastError: BackupError?
        var index = 0
        while index < candidates.count {
            let selector = candidates[index]
            index += 1
            do {
                let (result, aside) = try await restore(selector, into: directory, keepPrevious: damaged)
                return .restored(result, reason: reason, movedAside: aside)
            } catch let error as BackupError where error.code == .noBackup && selector == .latest {
                guard damaged else { return .noBackupYet }
                throw BackupError(code: .verificationFailed,
                                  message: "\(reason), and there is no backup to restore at \(store.displayURL)",
                                  cause: error)
            } catch let error as BackupError where Self.isDamagedBackup(error) {
                // The newest backup is bad: fall back to older complete ones, newest first.
                logger.warning("backup.init.fallback", ["backup.selector": .string(selector.description),
                                                        "error.short": .string(error.shortDescription)])
                lastError = error
                if selector == .latest {
                    let older = try await list().filter(\.complete).sorted { $0.timestamp > $1.timestamp }
                    candidates += older.filter { !$0.isLatest }.map { .timestamp($0.timestamp) }
                }
            }
        }
        throw lastError ?? BackupError(code: .noBackup, message: "no usable backup at \(store.displayURL)")
    }

    static func isDamagedBackup(_ error: BackupError) -> Bool {
        [.checksumMismatch, .corruptArchive, .verificationFailed, .unsafeEntry, .invalidManifest].contains(error.code)
    }
}
