import Foundation
import Observability

/// Deletes superseded manifests and unreferenced files of one collection, but only after the
/// grace period, so a reader or writer working from an older version keeps its files.
///
/// Rules (docs/FORMAT.md, "Garbage collection"): manifest `v` below the newest
/// `keepManifests` is removed when the manifest that superseded it is older than the grace
/// period (removal goes upward and stops at the first one too young). A file in `data/` is
/// removed when no remaining manifest names it and it is older than the grace period. Temp
/// files (`.tmp-*`) older than the grace period are removed.
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
        for name in try POSIXFile.list(log.dataDirectory) where !referenced.contains("data/" + name) {
            let path = log.dataDirectory + "/" + name
            if try old(path) {
                try POSIXFile.remove(path)
                removed += 1
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
