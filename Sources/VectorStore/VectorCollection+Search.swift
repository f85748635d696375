import Observability
import VectorIndex

extension VectorCollection {
    /// Top-k over a snapshot: per segment, the planner picks an exact scan (small segment, or a
    /// filter that keeps few rows), the quantised scan, or the segment's index (projection or HNSW);
    /// results merge into one top-k.
    func search(_ snap: Snapshot, query: [Float], k: Int, where filter: MetadataFilter?,
                whereDocument: DocumentFilter?) throws -> [TopK.Entry] {
        let config = context.configuration
        // Metadata-only filters use the snapshot's cached masks (liveness included).
        let cachedMasks = try whereDocument == nil ? filter.map { try snap.allowedMasks($0) } : nil
        let rowFilter = cachedMasks == nil ? try makeRowFilter(snap, where: filter, whereDocument: whereDocument) : nil
        // A cosine query whose float32 norm is 0 or overflows gets the same distance (1) for every
        // row in the scan's arithmetic; only the plain scan reproduces that order.
        let degenerate = metric == .cosine && !ExactSearch.hasUsableNorm(query)
        var top = TopK(k: k)
        for (s, live) in snap.segments.enumerated() {
            let seg = live.segment
            let liveRows = seg.rowCount - live.deletedRows.count
            var allowed: [Bool]?
            var matching: Int?
            if let cachedMasks {
                allowed = cachedMasks[s]
                matching = cachedMasks[s].reduce(0) { $1 ? $0 + 1 : $0 }
            } else if let rowFilter {
                var mask = [Bool](repeating: false, count: seg.rowCount)
                var n = 0
                for r in 0..<seg.rowCount where live.isLive(r) && rowFilter(s, r) {
                    mask[r] = true
                    n += 1
                }
                allowed = mask
                matching = n
            } else if let mask = live.deletedMask {
                allowed = mask.map { !$0 }
                matching = liveRows
            }
            if matching == 0 { continue }
            let strategy = degenerate ? .exact
                : config.planner.strategy(rowCount: seg.rowCount, dimension: seg.dimension, matchingCount: matching, k: k)
            let useIndex = strategy == .index && live.entry.index != nil
            let index = useIndex
                ? try context.index(live.entry, segment: seg, metric: metric, log: log,
                                    repair: { rebuilt, _ in repairIndex(dataFile: live.entry.data.file, rebuilt) })
                : nil
            if context.logger.logLevel <= .debug {
                context.logger.debug("query plan", [
                    "collection.name": .string(name), "segment.file": .string(live.entry.data.file),
                    "plan": .string(index?.kind ?? (strategy == .quantized ? "quantized" : "exact")),
                    "rows.matching": .int(matching ?? liveRows),
                ])
            }
            switch index {
            case .projection(let projected):
                ExactSearch.projectedScan(snap, segment: s, index: projected, query: query, k: k, allowed: allowed, into: &top)
            case .hnsw(let graph):
                let hits: [SearchResult]
                do {
                    if let allowed {
                        hits = try graph.search(query, k: k, ef: max(config.hnsw.efSearch, k), filter: { allowed[Int($0)] })
                    } else {
                        hits = try graph.search(query, k: k, ef: max(config.hnsw.efSearch, k))
                    }
                } catch {
                    throw StorageError(code: .internal, message: "HNSW search failed on \(seg.path)", path: seg.path, cause: error)
                }
                for h in hits {
                    let r = Int(h.id)
                    top.offer(ExactSearch.distance(snap, segment: s, row: r, query: query), segment: s, row: r)
                }
            case nil where strategy == .quantized:
                ExactSearch.quantizedScan(snap, segment: s, query: query, k: k, allowed: allowed, into: &top)
            case nil:
                ExactSearch.scan(snap, segment: s, query: query, allowed: allowed, filter: nil, into: &top)
            }
        }
        return top.entries
    }

    /// Persists a rebuilt index for the segment `dataFile` (best effort: another writer may have
    /// compacted the segment away, and a failure leaves the in-memory rebuild in use).
    func repairIndex(dataFile: String, _ index: SegmentIndex) {
        do {
            let entry = try SegmentIndexes.publish(index, log: log)
            let path = log.directory + "/" + entry.file
            // The file is written once and kept across commit retries (not in `created`, which a
            // lost race removes); it is removed here when nothing committed it.
            var committed = false
            defer { if !committed { try? POSIXFile.remove(path) } }
            let done = try commit("repair index") { snap, _ in
                guard let i = snap.manifest.segments.firstIndex(where: { $0.data.file == dataFile }) else { return nil }
                var m = nextManifest(from: snap)
                m.segments[i].index = entry
                return m
            }
            committed = done != nil
            guard committed else { return }
            context.logger.notice("rebuilt segment index persisted", [
                "collection.name": .string(name), "file.path": .string(path), "index.kind": .string(index.kind),
            ])
        } catch {
            context.logger.warning("could not persist rebuilt index", ["collection.name": .string(name)])
        }
    }
}
