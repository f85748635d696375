import Foundation

/// Which backup a command means.
public enum BackupSelector: Sendable, Hashable, CustomStringConvertible {
    /// The one `latest/manifest.json` names.
    case latest
    /// A specific `<YYYYmmdd_HHMMSS>` backup.
    case timestamp(BackupTimestamp)

    /// Parses `latest` or `YYYYmmdd_HHMMSS`.
    /// - Throws: ``BackupError`` `.invalidArgument`.
    public init(parsing text: String) throws {
        if text == "latest" { self = .latest; return }
        guard let timestamp = BackupTimestamp(text) else {
            throw BackupError(code: .invalidArgument,
                              message: "'\(text)' is neither 'latest' nor a timestamp like 20261201_020000")
        }
        self = .timestamp(timestamp)
    }

    public var description: String {
        switch self {
        case .latest: "latest"
        case .timestamp(let ts): ts.text
        }
    }
}

/// What ``BackupEngine/backup(directory:kind:)`` did.
public struct BackupResult: Sendable, Codable, Equatable {
    public var timestamp: BackupTimestamp
    public var kind: BackupKind
    public var fileCount: Int
    /// Bytes of the snapshot files.
    public var totalBytes: Int64
    /// Bytes sent to the object store (archive, or new objects, plus manifests).
    public var uploadedBytes: Int64
    /// Size of the archive (full backups).
    public var archiveBytes: Int64?
    public var seconds: Double
    public var summary: StoreSummary?
}

/// What a restore (or a verification) found.
public struct RestoreResult: Sendable, Codable, Equatable {
    public var timestamp: BackupTimestamp
    public var kind: BackupKind
    public var fileCount: Int
    public var totalBytes: Int64
    /// Counts of the restored store, as its own verification reported them.
    public var summary: StoreSummary
    public var seconds: Double
}

/// One row of `backup list`.
public struct BackupListing: Sendable, Codable, Equatable {
    public var timestamp: BackupTimestamp
    /// Manifest present and valid.
    public var complete: Bool
    public var isLatest: Bool
    public var kind: BackupKind?
    public var fileCount: Int?
    /// Bytes stored under `<ts>/` (the archive and manifest).
    public var storedBytes: Int64
    /// Bytes of the snapshot the manifest describes.
    public var totalBytes: Int64?
    public var createdAt: Date?
}

/// Retention for `backup prune`.
public struct RetentionPolicy: Sendable, Equatable {
    /// Keep backups younger than this many days.
    public var keepDays: Int?
    /// Keep at least the newest N complete backups.
    public var keepLast: Int?

    /// Creates a policy; at least one of the two should be set.
    public init(keepDays: Int? = 30, keepLast: Int? = nil) {
        self.keepDays = keepDays
        self.keepLast = keepLast
    }
}

/// What `backup prune` decided (and did unless it was a dry run).
public struct PruneReport: Sendable, Codable, Equatable {
    /// A kept backup and why.
    public struct Kept: Sendable, Codable, Equatable {
        public var timestamp: BackupTimestamp
        public var reasons: [String]
    }
    public var kept: [Kept]
    public var deleted: [BackupTimestamp]
    /// Object keys removed (backup folders and unreferenced incremental objects).
    public var deletedKeys: Int
    public var deletedBytes: Int64
    public var dryRun: Bool
}

/// What `dr-drill` found.
public struct DrillReport: Sendable, Codable, Equatable {
    /// A collection's count in the live store and the restored backup.
    public struct Comparison: Sendable, Codable, Equatable {
        public var collection: String
        public var live: Int?
        public var restored: Int?
        public var matches: Bool { live == restored }
    }
    public var restore: RestoreResult
    public var scratchDirectory: String
    public var comparisons: [Comparison]
    /// Whether every collection's count matches the live store.
    public var countsMatch: Bool { comparisons.allSatisfy(\.matches) }
    public var liveStorePresent: Bool
}

/// What ``BackupEngine/initialize(directory:)`` did.
public enum InitOutcome: Sendable, Equatable {
    /// The store exists and verified; nothing was changed.
    case kept(StoreSummary)
    /// The store was missing (or damaged, with the damaged copy moved aside) and was restored.
    case restored(RestoreResult, reason: String, movedAside: String?)
    /// The store is missing and there is no backup yet: an empty store will be created on use.
    case noBackupYet
}
