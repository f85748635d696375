import Foundation
import Observability

/// Deletes superseded manifests and unreferenced files of one collection, but only after the
/// grace period, so a reader or writer working from an older version keeps its files.
///
/// Rules (docs/FORMAT.md, "Garbage collection"): manifest `v` below the newest
/// `keepManifests` is removed when the manifest that superseded it is older than the grace
/// period (removal goes upward and stops at the first one too young). A file in `data/` that no
/// remaining manifest names and that is older than the grace period is quarantined, and deleted
/// a grace period later if still unreferenced (``Quarantine``). Temp files (`.tmp-*`) older than
/// the grace period are removed. Returns the number of manifests, temp files and data files
/// taken out of use in this run.
struct GarbageCollector {
    let context: StoreContext
    let log: ManifestLog

    @discardableResult
    func run() throws -> Int {
        let grace = context.configuration.gcGracePeriod
        let now = Date().timeIntervalSince1970
        func old(_ path: String) throws -> Bool {
            guard let st = try POSIXFile.status(path) else { return false }
            return now - st.mtime >= grace
        }
        var removed = 0
        let versions = try log.listVersions()
        if let newest = versions.last {
            let newestManifest = try? log.read(version: newest)
            // A deleted collection keeps only its deletion manifest.
            let keep = newestManifest?.deleted == true ? 1 : context.configuration.keepManifests
            for (i, v) in versions.enumerated() where v <= newest - keep {
                guard i + 1 < versions.count, try old(log.path(version: versions[i + 1])) else { break }
                try POSIXFile.remove(log.path(version: v))
                removed += 1
            }
        }
        var referenced = Set<String>()
        for v in try log.listVersions() {
            guard let m = try? log.read(version: v) else {
                // An unreadable manifest may name anything: delete no data file this time.
                context.logger.warning("gc skipped: unreadable manifest", ["file.path": .string(log.path(version: v))])
                return removed
            }
            for f in m.files { referenced.insert(f.file) }
        }
        // Data files: unreferenced and old → quarantine (renamed, not deleted); quarantined files
        // named by a manifest again → restored; quarantined a grace period ago and still
        // unreferenced → deleted. (Quarantine.swift explains why a file is never unlinked at once.)
        for name in try POSIXFile.list(log.dataDirectory)
        where Quarantine.parse(name) == nil && !referenced.contains("data/" + name) {
            if try old(log.dataDirectory + "/" + name) {
                try log.quarantine(name, now: now)
                removed += 1
            }
        }
        for name in try POSIXFile.list(log.dataDirectory) {
            guard let q = Quarantine.parse(name) else { continue }
            if referenced.contains("data/" + q.original) {
                if try log.restoreFromQuarantine("data/" + q.original) {
                    context.logger.notice("gc restored a quarantined file a manifest names", ["file.path": .string(log.dataDirectory + "/" + q.original)])
                }
            } else if now - q.time >= grace {
                try POSIXFile.remove(log.dataDirectory + "/" + name)
            }
        }
        for name in try POSIXFile.list(log.manifestsDirectory) where name.hasPrefix(".tmp-") {
            let path = log.manifestsDirectory + "/" + name
            if try old(path) {
                try POSIXFile.remove(path)
                removed += 1
            }
        }
        return removed
    }
}
