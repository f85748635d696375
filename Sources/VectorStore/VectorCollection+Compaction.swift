import Observability

extension VectorCollection {
    /// Merges all segments into as few as possible, dropping deleted rows, then removes files
    /// no manifest needs any more (after the grace period). A no-op on a compact collection.
    /// - Throws: `.commitConflict` when concurrent writers keep changing the merged segments.
    public func compact() throws {
        try compact(onlySmall: false)
    }

    /// Compaction. With `onlySmall` (the automatic kind after writes), only segments below
    /// `hnswMinRows` rows, or with more than 20 % deleted rows, are merged, so big indexed
    /// segments are not rewritten (and re-indexed) again and again.
    func compact(onlySmall: Bool) throws {
        for _ in 0..<8 {
            let snap = try current()
            let small = context.configuration.hnswMinRows
            let chosen = snap.segments.indices.filter { i in
                let live = snap.segments[i]
                let heavyDeletes = live.deletedRows.count * 5 > live.segment.rowCount
                return !onlySmall || live.segment.rowCount < small || heavyDeletes
            }
            let needs = chosen.count > 1 || chosen.contains { !snap.segments[$0].deletedRows.isEmpty }
            guard needs else {
                _ = try GarbageCollector(context: context, log: log).run()
                return
            }
            let parts = chosen.map { i in
                let live = snap.segments[i]
                return (segment: live.segment, rows: (0..<live.segment.rowCount).filter(live.isLive).map { Int32($0) })
            }
            let sources = chosen.map { snap.manifest.segments[$0] }
            let entries = try writeSegments(MergedRows(parts: parts, dimension: dimension))
            var committed = false
            defer { if !committed { removeFiles(entries) } }
            do {
                try commit("compact") { s, _ in
                    // Valid only while every merged segment is unchanged (others may come and go).
                    let positions = sources.map { src in s.manifest.segments.firstIndex(of: src) }
                    guard positions.allSatisfy({ $0 != nil }) else { throw Restart() }
                    let drop = Set(positions.compactMap { $0 })
                    var m = nextManifest(from: s)
                    var segments: [SegmentEntry] = []
                    for (i, e) in s.manifest.segments.enumerated() {
                        if i == drop.min() { segments += entries }
                        if !drop.contains(i) { segments.append(e) }
                    }
                    m.segments = segments
                    return m
                }
                committed = true
                context.logger.info("compacted", [
                    "collection.name": .string(name), "segments.merged": .int(sources.count),
                    "segments.written": .int(entries.count),
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
