import CryptoSupport
import Foundation
import ObjectStore
import Observability

extension BackupEngine {
    /// Backs up the store in `directory` to `<ts>/`, verifies the upload, then moves `latest/`.
    ///
    /// - Parameters:
    ///   - directory: the live store (writers may be running; the adapter takes the snapshot).
    ///   - kind: `.full` (one tar.gz) or `.incremental` (content-addressed files, shared).
    /// - Returns: what was uploaded.
    /// - Throws: ``BackupError``; after any failure `latest/` still names the previous backup.
    public func backup(directory: URL, kind: BackupKind = .full) async throws -> BackupResult {
        let started = Date()
        guard adapter.storeExists(at: directory) else {
            throw BackupError(code: .noBackup, message: "nothing to back up: store directory \(directory.path) is missing or empty")
        }
        var timestamp = BackupTimestamp(date: clock())
        while try await storeCall("checking for an existing backup", { try await store.head(key: BackupLayout.manifestKey(timestamp)) }) != nil {
            timestamp = timestamp.next()
        }
        let log = logger.with(["backup.timestamp": .string(timestamp.text), "backup.kind": .string(kind.rawValue)])
        let snapshot = try takeSnapshot(directory: directory)
        log.info("backup.snapshot", ["backup.files": .int(snapshot.files.count)])

        var manifest: BackupManifest
        var uploaded: Int64
        switch kind {
        case .full:
            (manifest, uploaded) = try await uploadFull(directory: directory, files: snapshot.files, timestamp: timestamp)
        case .incremental:
            (manifest, uploaded) = try await uploadIncremental(directory: directory, files: snapshot.files,
                                                               timestamp: timestamp)
        }
        manifest.summary = snapshot.summary
        manifest.storeFormatVersion = snapshot.summary?.formatVersion
        try manifest.validate(source: "new backup \(timestamp.text)")
        let manifestData = try manifest.encoded()
        // The manifest goes last: its presence marks `<ts>/` complete.
        try await storeCall("uploading \(BackupLayout.manifestKey(timestamp))") {
            try await store.put(manifestData, key: BackupLayout.manifestKey(timestamp))
        }
        uploaded += Int64(manifestData.count)
        try await verifyUpload(manifest, manifestData: manifestData)
        try await publishLatest(manifest, manifestData: manifestData)
        log.info("backup.done", ["backup.uploaded_bytes": .int(Int(uploaded))])
        return BackupResult(timestamp: timestamp, kind: kind, fileCount: manifest.files.count,
                            totalBytes: manifest.totalBytes, uploadedBytes: uploaded,
                            archiveBytes: manifest.archive?.size, seconds: Date().timeIntervalSince(started),
                            summary: snapshot.summary)
    }

    // MARK: - Snapshot

    struct Snapshot {
        var files: [String]
        var summary: StoreSummary?
    }

    /// Lists the snapshot with counts taken around it; counts are dropped if they moved meanwhile.
    func takeSnapshot(directory: URL) throws -> Snapshot {
        for _ in 0..<3 {
            let before = try adapter.summary(of: directory)
            let files = try adapter.snapshotFiles(in: directory)
            let after = try adapter.summary(of: directory)
            if before.collections == after.collections {
                return Snapshot(files: files, summary: before)
            }
        }
        return Snapshot(files: try adapter.snapshotFiles(in: directory), summary: nil)
    }

    // MARK: - Full

    private func uploadFull(directory: URL, files: [String], timestamp: BackupTimestamp)
        async throws -> (BackupManifest, Int64)
    {
        let work = try makeWorkDirectory("backup")
        defer { try? FileManager.default.removeItem(at: work) }
        let archiveURL = work.appendingPathComponent(BackupLayout.archiveName)
        let root = Self.archiveRoot(for: directory)
        var writer = try TarWriter(fileAt: archiveURL, compressionLevel: configuration.compressionLevel)
        try writer.addDirectory(root)
        var madeDirs = Set<String>()
        var entries: [BackupManifest.File] = []
        for path in files.sorted() {
            var parent = ""
            for segment in path.split(separator: "/").dropLast() {
                parent = parent.isEmpty ? String(segment) : parent + "/" + segment
                if madeDirs.insert(parent).inserted { try writer.addDirectory(root + "/" + parent) }
            }
            let digest = try writer.addFile(at: directory.appendingPathComponent(path), as: root + "/" + path,
                                            relativePath: path)
            entries.append(.init(path: path, size: digest.size, sha256: digest.sha256, object: nil))
        }
        let summary = try writer.finish()
        let key = BackupLayout.archiveKey(timestamp)
        try await storeCall("uploading \(key)") { try await store.putFile(archiveURL, key: key) }
        let manifest = BackupManifest(
            kind: .full, timestamp: timestamp, createdAt: clock(), toolVersion: configuration.toolVersion,
            storeFormatVersion: nil,
            archive: .init(key: key, size: summary.compressedBytes, sha256: summary.sha256, root: root),
            files: entries, totalBytes: entries.reduce(0) { $0 + $1.size }, summary: nil)
        return (manifest, summary.compressedBytes)
    }

    /// The archive's top-level folder: the store directory's name (like `chroma_db/` before).
    static func archiveRoot(for directory: URL) -> String {
        let name = directory.standardizedFileURL.lastPathComponent
        return BackupManifest.isSafeRelativePath(name) && !name.contains("/") ? name : "db"
    }

    // MARK: - Incremental

    private func uploadIncremental(directory: URL, files: [String], timestamp: BackupTimestamp)
        async throws -> (BackupManifest, Int64)
    {
        let store = self.store
        let results = try await forEachConcurrently(files) { path -> (BackupManifest.File, Int64) in
            let url = directory.appendingPathComponent(path)
            let (sha, size) = try Self.digest(of: url)
            let key = BackupLayout.objectKey(sha256: sha)
            let entry = BackupManifest.File(path: path, size: size, sha256: sha, object: key)
            if let existing = try await store.head(key: key), existing.size == size { return (entry, 0) }
            do { try await store.putFile(url, key: key) } catch {
                throw BackupError(code: .store, message: "uploading \(key) (\(path)) failed at \(store.displayURL)",
                                  cause: (error as? ObjectStoreError) ?? SendableErrorBox(error))
            }
            return (entry, size)
        }
        let entries = results.map(\.0).sorted { $0.path < $1.path }
        let manifest = BackupManifest(
            kind: .incremental, timestamp: timestamp, createdAt: clock(), toolVersion: configuration.toolVersion,
            storeFormatVersion: nil, archive: nil, files: entries,
            totalBytes: entries.reduce(0) { $0 + $1.size }, summary: nil)
        return (manifest, results.reduce(0) { $0 + $1.1 })
    }

    /// SHA-256 and size of a file, streamed.
    static func digest(of url: URL) throws -> (String, Int64) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw BackupError(code: .sourceChanged, message: "file \(url.path) disappeared during backup")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw BackupError.io("reading \(url.path) failed", cause: error)
        }
        return (Hex.encode(hasher.finalize()), size)
    }

    // MARK: - Verify and publish

    /// Checks what the store now holds for this backup: manifest bytes, archive or object sizes.
    func verifyUpload(_ manifest: BackupManifest, manifestData: Data) async throws {
        let key = BackupLayout.manifestKey(manifest.timestamp)
        let stored: Data
        do { stored = try await store.get(key: key) } catch {
            throw BackupError(code: .store, message: "re-reading \(key) failed at \(store.displayURL)",
                              cause: (error as? ObjectStoreError) ?? SendableErrorBox(error))
        }
        guard stored == manifestData else {
            throw BackupError(code: .checksumMismatch, message: "uploaded manifest \(key) differs from what was sent")
        }
        var expected: [ExpectedObject] = []
        if let archive = manifest.archive { expected.append(ExpectedObject(key: archive.key, size: archive.size)) }
        var seen = Set<String>()
        for file in manifest.files {
            if let object = file.object, seen.insert(object).inserted {
                expected.append(ExpectedObject(key: object, size: file.size))
            }
        }
        let store = self.store
        let problems: [String?] = try await forEachConcurrently(expected) { (item: ExpectedObject) async throws -> String? in
            guard let info = try await store.head(key: item.key) else {
                return "uploaded object \(item.key) is missing"
            }
            if info.size == item.size { return nil }
            return "uploaded object \(item.key) has size \(info.size), expected \(item.size)"
        }
        if let problem = problems.compactMap({ $0 }).first {
            throw BackupError(code: .checksumMismatch, message: problem)
        }
    }

    struct ExpectedObject: Sendable {
        var key: String
        var size: Int64
    }

    /// Points `latest/` at a verified backup (archive copy first, manifest last).
    func publishLatest(_ manifest: BackupManifest, manifestData: Data) async throws {
        if let archive = manifest.archive, configuration.copyArchiveToLatest {
            try await storeCall("copying \(archive.key) to \(BackupLayout.latestArchiveKey)") {
                try await store.copy(from: archive.key, to: BackupLayout.latestArchiveKey)
            }
        }
        try await storeCall("publishing \(BackupLayout.latestManifestKey)") {
            try await store.put(manifestData, key: BackupLayout.latestManifestKey)
        }
        if manifest.archive == nil || !configuration.copyArchiveToLatest {
            // A stale plain-tool copy would no longer match `latest`: remove it.
            try await storeCall("removing stale \(BackupLayout.latestArchiveKey)") {
                try await store.delete(keys: [BackupLayout.latestArchiveKey])
            }
        }
    }
}
