import Observability
extension VectorCollection {
    /// Merges all segments into as few as possible, dropping deleted rows, then removes files
    /// no manifest needs any more (after the grace period). A no-op on a compact collection.
    /// - Throws: `.commitConflict` when concurrent writers keep changing the merged segments.
    public func compact() throws {
        for _ in 0..<8 {
            let snap = try current()
            let needs = snap.segments.count > 1 || snap.segments.contains { !$0.deletedRows.isEmpty }
            guard needs else {
                _ = try GarbageCollector(context: context, log: log).run()
                return
            }
            let parts = snap.segments.map { live in
                (segment: live.segment, rows: (0..<live.segment.rowCount).filter(live.isLive).map { Int32($0) })
            }
            let sources = snap.manifest.segments
            let entries = try writeSegments(MergedRows(parts: parts, dimension: dimension))
            var committed = false
            defer { if !committed { removeFiles(entries) } }
            do {
                try commit("compact") { s, _ in
                    // Only valid while the merged segments are unchanged (new ones may follow).
                    guard Array(s.manifest.segments.prefix(sources.count)) == sources else { throw Restart() }
                    var m = nextManifest(from: s)
                    m.segments = entries + Array(s.manifest.segments.dropFirst(sources.count))
                    return m
                }
                committed = true
                context.logger.info("compacted", [
                    "collection.name": .string(name), "segments.before": .int(sources.count),
                    "segments.after": .int(entries.count),
                ])
                _ = try GarbageCollector(context: context, log: log).run()
                return
            } catch is Restart {
                continue
            }
        }
        throw StorageError(code: .commitConflict, message: "compaction of '\(name)' kept conflicting with writers")
    }
}
