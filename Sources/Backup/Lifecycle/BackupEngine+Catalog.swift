import Foundation
import ObjectStore
import Observability

extension BackupEngine {
    // MARK: - List

    /// Every backup folder under the prefix, oldest first, with completeness and `latest` marked.
    public func list() async throws -> [BackupListing] {
        let objects = try await storeCall("listing backups") { try await store.list(prefix: "") }
        var stored: [BackupTimestamp: Int64] = [:]
        var hasManifest = Set<BackupTimestamp>()
        for object in objects {
            guard let timestamp = BackupLayout.timestamp(ofKey: object.key) else { continue }
            stored[timestamp, default: 0] += object.size
            if object.key == BackupLayout.manifestKey(timestamp) { hasManifest.insert(timestamp) }
        }
        let latest = try? await fetchManifest(key: BackupLayout.latestManifestKey)
        var rows: [BackupListing] = []
        for timestamp in stored.keys.sorted() {
            var row = BackupListing(timestamp: timestamp, complete: false, isLatest: latest?.timestamp == timestamp,
                                    kind: nil, fileCount: nil, storedBytes: stored[timestamp] ?? 0,
                                    totalBytes: nil, createdAt: nil)
            if hasManifest.contains(timestamp),
               let manifest = try? await fetchManifest(key: BackupLayout.manifestKey(timestamp)),
               manifest.timestamp == timestamp {
                let archivePresent = manifest.archive.map { archive in
                    objects.contains { $0.key == archive.key && $0.size == archive.size }
                } ?? true
                row.complete = archivePresent
                row.kind = manifest.kind
                row.fileCount = manifest.files.count
                row.totalBytes = manifest.totalBytes
                row.createdAt = manifest.createdAt
            }
            rows.append(row)
        }
        return rows
    }

    // MARK: - Prune

    /// Deletes backups the policy does not keep; never `latest` nor the newest complete backup.
    ///
    /// Kept: `latest`'s backup, the newest complete backup, the newest `keepLast` complete ones,
    /// and everything (complete or still being written) younger than `keepDays`, measured from the
    /// injected clock. Incremental objects no kept manifest names are deleted once older than
    /// ``Configuration/objectGracePeriod``.
    public func prune(policy: RetentionPolicy, dryRun: Bool) async throws -> PruneReport {
        guard policy.keepDays != nil || policy.keepLast != nil else {
            throw BackupError(code: .invalidArgument, message: "prune needs --keep-days and/or --keep-last")
        }
        if let days = policy.keepDays, days < 0 {
            throw BackupError(code: .invalidArgument, message: "--keep-days must be ≥ 0 (got \(days))")
        }
        if let last = policy.keepLast, last < 0 {
            throw BackupError(code: .invalidArgument, message: "--keep-last must be ≥ 0 (got \(last))")
        }
        let now = clock()
        let rows = try await list()
        var reasons: [BackupTimestamp: [String]] = [:]
        let complete = rows.filter(\.complete).sorted { $0.timestamp > $1.timestamp }
        if let latest = rows.first(where: \.isLatest) { reasons[latest.timestamp, default: []].append("latest") }
        if let newest = complete.first { reasons[newest.timestamp, default: []].append("newest complete backup") }
        if let keepLast = policy.keepLast {
            for row in complete.prefix(keepLast) { reasons[row.timestamp, default: []].append("keep-last \(keepLast)") }
        }
        if let days = policy.keepDays {
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            for row in rows where row.timestamp.date >= cutoff {
                reasons[row.timestamp, default: []].append(row.complete ? "younger than \(days) days"
                                                               : "incomplete, younger than \(days) days")
            }
        }
        let doomed = rows.map(\.timestamp).filter { reasons[$0] == nil }
        let objects = try await storeCall("listing backups") { try await store.list(prefix: "") }
        var keys: [String] = []
        var bytes: Int64 = 0
        let doomedSet = Set(doomed)
        for object in objects {
            if let ts = BackupLayout.timestamp(ofKey: object.key), doomedSet.contains(ts) {
                keys.append(object.key)
                bytes += object.size
            }
        }
        // Incremental objects referenced by no surviving manifest.
        var referenced = Set<String>()
        var referencesKnown = true
        for row in rows where reasons[row.timestamp] != nil && row.kind == .incremental {
            do {
                let manifest = try await fetchManifest(key: BackupLayout.manifestKey(row.timestamp))
                for file in manifest.files { if let key = file.object { referenced.insert(key) } }
            } catch {
                referencesKnown = false  // never delete objects on incomplete knowledge
            }
        }
        if let latest = try? await fetchManifest(key: BackupLayout.latestManifestKey) {
            for file in latest.files { if let key = file.object { referenced.insert(key) } }
        }
        if referencesKnown {
            let graceCutoff = now.addingTimeInterval(-configuration.objectGracePeriod)
            for object in objects where object.key.hasPrefix(BackupLayout.objectsFolder + "/")
                && !referenced.contains(object.key) {
                guard let modified = object.lastModified, modified < graceCutoff else { continue }
                keys.append(object.key)
                bytes += object.size
            }
        }
        if !dryRun && !keys.isEmpty {
            // Manifests first: a half-deleted backup then reads as incomplete, never as good.
            let manifests = keys.filter { $0.hasSuffix("/" + BackupLayout.manifestName) }
            try await storeCall("deleting old manifests") { try await store.delete(keys: manifests) }
            let rest = keys.filter { !$0.hasSuffix("/" + BackupLayout.manifestName) }
            for start in stride(from: 0, to: rest.count, by: 1000) {
                let batch = Array(rest[start..<min(start + 1000, rest.count)])
                try await storeCall("deleting old backups") { try await store.delete(keys: batch) }
            }
        }
        logger.info("backup.prune", ["backup.deleted": .int(doomed.count), "backup.dry_run": .bool(dryRun)])
        let kept = reasons.keys.sorted().map { PruneReport.Kept(timestamp: $0, reasons: reasons[$0] ?? []) }
        return PruneReport(kept: kept, deleted: doomed, deletedKeys: keys.count, deletedBytes: bytes, dryRun: dryRun)
    }
}
