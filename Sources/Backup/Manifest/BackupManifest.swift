import Foundation

/// Whether a backup carries one archive or names content-addressed files.
public enum BackupKind: String, Sendable, Codable, CaseIterable {
    /// One `.tar.gz` of the whole snapshot.
    case full
    /// Only a manifest; files live once under `objects/sha256/`, shared between backups.
    case incremental
}

/// Counts of a store, recorded at backup time and compared after restores and drills.
public struct StoreSummary: Sendable, Codable, Equatable {
    /// The store's on-disk format version, when known.
    public var formatVersion: Int?
    /// Record count per collection.
    public var collections: [String: Int]
    /// Bytes of the snapshot files.
    public var totalBytes: Int64

    /// Creates a summary.
    public init(formatVersion: Int?, collections: [String: Int], totalBytes: Int64) {
        self.formatVersion = formatVersion
        self.collections = collections
        self.totalBytes = totalBytes
    }
}

/// The JSON document describing one backup (`<ts>/manifest.json`).
public struct BackupManifest: Sendable, Codable, Equatable {
    /// One file of the snapshot.
    public struct File: Sendable, Codable, Equatable {
        /// Path relative to the store directory.
        public var path: String
        /// Size in bytes.
        public var size: Int64
        /// Lower-case hex SHA-256.
        public var sha256: String
        /// Content-addressed key (incremental backups), else nil.
        public var object: String?

        /// Creates a file record.
        public init(path: String, size: Int64, sha256: String, object: String?) {
            self.path = path
            self.size = size
            self.sha256 = sha256
            self.object = object
        }
    }

    /// The archive of a full backup.
    public struct Archive: Sendable, Codable, Equatable {
        /// Object key relative to the backup prefix.
        public var key: String
        /// Size in bytes.
        public var size: Int64
        /// Lower-case hex SHA-256 of the archive bytes.
        public var sha256: String
        /// The top-level folder of every entry in the tar.
        public var root: String

        /// Creates an archive record.
        public init(key: String, size: Int64, sha256: String, root: String) {
            self.key = key
            self.size = size
            self.sha256 = sha256
            self.root = root
        }
    }

    /// Identifies the document type.
    public static let formatName = "shop-summary-backup"
    /// Highest manifest version this build reads.
    public static let currentVersion = 1

    public var format: String = BackupManifest.formatName
    public var manifestVersion: Int = BackupManifest.currentVersion
    public var kind: BackupKind
    public var timestamp: BackupTimestamp
    public var createdAt: Date
    public var toolVersion: String
    public var storeFormatVersion: Int?
    public var archive: Archive?
    public var files: [File]
    public var totalBytes: Int64
    public var summary: StoreSummary?

    /// Creates a manifest (call ``validate(source:)`` before publishing it).
    public init(kind: BackupKind, timestamp: BackupTimestamp, createdAt: Date, toolVersion: String,
                storeFormatVersion: Int?, archive: Archive?, files: [File], totalBytes: Int64,
                summary: StoreSummary?) {
        self.kind = kind
        self.timestamp = timestamp
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.storeFormatVersion = storeFormatVersion
        self.archive = archive
        self.files = files
        self.totalBytes = totalBytes
        self.summary = summary
    }

    /// Encodes as stable, sorted, pretty JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Decodes and validates a manifest.
    /// - Parameter source: key or path used in error messages.
    /// - Throws: ``BackupError`` `.invalidManifest` naming `source` and the problem.
    public static func decode(_ data: Data, source: String) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BackupManifest
        do { manifest = try decoder.decode(BackupManifest.self, from: data) } catch {
            throw BackupError(code: .invalidManifest, message: "cannot decode backup manifest \(source)",
                              cause: SendableErrorBox(error))
        }
        try manifest.validate(source: source)
        return manifest
    }

    /// Checks internal consistency: format, version, safe paths, digests, kind-specific fields.
    public func validate(source: String) throws {
        func fail(_ problem: String) -> BackupError {
            BackupError(code: .invalidManifest, message: "backup manifest \(source): \(problem)")
        }
        guard format == Self.formatName else { throw fail("format is '\(format)', expected '\(Self.formatName)'") }
        guard manifestVersion >= 1, manifestVersion <= Self.currentVersion else {
            throw fail("manifest version \(manifestVersion) is not supported (max \(Self.currentVersion))")
        }
        var seen = Set<String>()
        var total: Int64 = 0
        for file in files {
            guard Self.isSafeRelativePath(file.path) else { throw fail("unsafe file path '\(file.path)'") }
            guard seen.insert(file.path).inserted else { throw fail("duplicate file path '\(file.path)'") }
            guard file.size >= 0, Self.isHexDigest(file.sha256) else { throw fail("bad size or sha256 for '\(file.path)'") }
            if kind == .incremental {
                guard file.object == BackupLayout.objectKey(sha256: file.sha256) else {
                    throw fail("file '\(file.path)' names object '\(file.object ?? "")', expected its sha256 key")
                }
            }
            total += file.size
        }
        guard total == totalBytes else { throw fail("totalBytes \(totalBytes) differs from the files' sum \(total)") }
        switch kind {
        case .full:
            guard let archive else { throw fail("full backup without an archive") }
            guard archive.key == BackupLayout.archiveKey(timestamp), Self.isHexDigest(archive.sha256),
                  archive.size > 0, Self.isSafeRelativePath(archive.root), !archive.root.contains("/")
            else { throw fail("bad archive record") }
        case .incremental:
            guard archive == nil else { throw fail("incremental backup with an archive") }
        }
    }

    static func isHexDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.utf8.contains(0) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
