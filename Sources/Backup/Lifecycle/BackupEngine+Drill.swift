import Foundation
import Observability

extension BackupEngine {
    /// The monthly disaster-recovery check: restore `latest` into a scratch directory, verify it,
    /// and compare its counts with the live store. The live store is never touched.
    /// - Parameters:
    ///   - liveDirectory: the production store to compare with (may be missing).
    ///   - scratchDirectory: where to restore (default: a temp dir); removed afterwards unless `keepScratch`.
    /// - Throws: ``BackupError`` when the backup cannot be restored or fails verification.
    public func drill(liveDirectory: URL, scratchDirectory: URL? = nil, keepScratch: Bool = false)
        async throws -> DrillReport
    {
        let started = Date()
        let manifest = try await manifest(for: .latest)
        let work = try makeWorkDirectory("drill")
        defer { try? FileManager.default.removeItem(at: work) }
        let scratch = scratchDirectory ?? work.appendingPathComponent("restored")
        if FileManager.default.fileExists(atPath: scratch.path) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
            guard names.isEmpty else {
                throw BackupError(code: .invalidArgument, message: "scratch directory \(scratch.path) is not empty")
            }
        }
        defer { if !keepScratch { try? FileManager.default.removeItem(at: scratch) } }
        try await materialize(manifest, into: scratch, work: work)
        let restored = try verifyRestoredStore(scratch, manifest: manifest)
        let livePresent = adapter.storeExists(at: liveDirectory)
        let live = livePresent ? try? adapter.summary(of: liveDirectory) : nil
        let names = Set(restored.collections.keys).union(live?.collections.keys ?? [:].keys)
        let comparisons = names.sorted().map {
            DrillReport.Comparison(collection: $0, live: live?.collections[$0], restored: restored.collections[$0])
        }
        let result = RestoreResult(timestamp: manifest.timestamp, kind: manifest.kind, fileCount: manifest.files.count,
                                   totalBytes: manifest.totalBytes, summary: restored,
                                   seconds: Date().timeIntervalSince(started))
        logger.info("backup.drill", ["backup.timestamp": .string(manifest.timestamp.text)])
        return DrillReport(restore: result, scratchDirectory: scratch.path, comparisons: comparisons,
                           liveStorePresent: livePresent)
    }
}
