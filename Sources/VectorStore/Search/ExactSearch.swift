/// Brute-force top-k over segments, reading vectors in place from the segment buffers.
enum ExactSearch {
    /// Row predicate: `(segment index, row) -> passes`; nil means every live row passes.
    typealias RowFilter = (Int, Int) -> Bool

    /// Scans every live row of every segment of `snapshot`.
    static func search(_ snapshot: Snapshot, query: [Float], k: Int, filter: RowFilter?) -> [TopK.Entry] {
        var top = TopK(k: k)
        for s in snapshot.segments.indices {
            scan(snapshot, segment: s, query: query, allowed: nil, filter: filter, into: &top)
        }
        return top.entries
    }

    /// Scans one segment into `top`. `allowed` (per row, already including deletions and
    /// filters) wins over `filter` when given.
    static func scan(_ snapshot: Snapshot, segment s: Int, query: [Float], allowed: [Bool]?, filter: RowFilter?,
                     into top: inout TopK) {
        let metric = snapshot.manifest.metric
        let dim = snapshot.manifest.dimension
        let live = snapshot.segments[s]
        let seg = live.segment
        let vectors = seg.vectors, norms = seg.norms
        let mask = live.deletedMask
        query.withUnsafeBufferPointer { qb in
            guard let q = qb.baseAddress else { return }
            let qNorm = DistanceKernels.dot(q, q, dim).squareRoot()
            for r in 0..<seg.rowCount {
                if let allowed {
                    if !allowed[r] { continue }
                } else {
                    if let mask, mask[r] { continue }
                    if let filter, !filter(s, r) { continue }
                }
                let d = DistanceKernels.distance(metric, q, qNorm, vectors + r * dim, norms[r], dim)
                top.offer(d, segment: s, row: r)
            }
        }
    }

    /// Exact distance of one row (used to report HNSW hits with the same arithmetic as the scan).
    static func distance(_ snapshot: Snapshot, segment s: Int, row r: Int, query: [Float]) -> Float {
        let dim = snapshot.manifest.dimension
        let seg = snapshot.segments[s].segment
        return query.withUnsafeBufferPointer { qb in
            guard let q = qb.baseAddress else { return .infinity }
            let qNorm = DistanceKernels.dot(q, q, dim).squareRoot()
            return DistanceKernels.distance(snapshot.manifest.metric, q, qNorm, seg.vectors + r * dim, seg.norms[r], dim)
        }
    }
}
