import Foundation
import VectorStore

/// The ``BackupStoreAdapter`` of the real vector store (`VectorDatabase`).
///
/// Snapshot = garbage collection, then `VectorDatabase.snapshotFiles()` (the newest manifest of each collection at one
/// instant, the immutable files it names, the store marker). Verification = `verify()` (every
/// checksum and invariant) plus a smoke query per non-empty collection: the first record's own
/// vector must come back as a hit.
public struct VectorStoreAdapter: BackupStoreAdapter {
    /// Creates the adapter.
    public init() {}

    /// Collects garbage first (old manifests, unreferenced files and dropped collections past the
    /// grace period: the backup after each batch is the store's regular maintenance slot), then
    /// lists the snapshot. Collection never touches a file the newest manifests name.
    public func snapshotFiles(in directory: URL) throws -> [String] {
        let database = try VectorDatabase(directory: directory, createIfMissing: false)
        _ = try? database.collectGarbage()
        return try database.snapshotFiles()
    }

    public func summary(of directory: URL) throws -> StoreSummary {
        Self.summary(try VectorDatabase(directory: directory, createIfMissing: false).stats())
    }

    public func verify(directory: URL) throws -> StoreSummary {
        let database = try VectorDatabase(directory: directory, createIfMissing: false)
        let report = try database.verify()
        if let problem = report.problems.first {
            let location = problem.file.map { " (file \($0))" } ?? ""
            throw BackupError(code: .verificationFailed,
                              message: "store \(directory.path) failed verification: \(problem.message)\(location)"
                                + (report.problems.count > 1 ? " and \(report.problems.count - 1) more problems" : ""))
        }
        for info in try database.listCollections() where info.count > 0 {
            let collection = try database.collection(named: info.name)
            guard let probe = try collection.get(limit: 1, includeVectors: true).first else {
                throw BackupError(code: .verificationFailed,
                                  message: "collection '\(info.name)' reports \(info.count) records but returns none")
            }
            let hits = try collection.query(vector: probe.vector, k: 1)
            guard let hit = hits.first, hit.distance.isFinite else {
                throw BackupError(code: .verificationFailed,
                                  message: "smoke query on collection '\(info.name)' returned no result")
            }
        }
        return Self.summary(try database.stats())
    }

    static func summary(_ stats: StoreStats) -> StoreSummary {
        var counts: [String: Int] = [:]
        for info in stats.collections { counts[info.name] = info.count }
        return StoreSummary(formatVersion: stats.formatVersion, collections: counts, totalBytes: stats.totalBytes)
    }
}
