/// Brute-force top-k over a snapshot, reading vectors in place from the segment buffers.
enum ExactSearch {
    /// Row predicate: `(segment index, row) -> passes`; nil means every live row passes.
    typealias RowFilter = (Int, Int) -> Bool

    static func search(_ snapshot: Snapshot, query: [Float], k: Int, filter: RowFilter?) -> [TopK.Entry] {
        let metric = snapshot.manifest.metric
        let dim = snapshot.manifest.dimension
        var top = TopK(k: k)
        query.withUnsafeBufferPointer { qb in
            guard let q = qb.baseAddress else { return }
            let qNorm = DistanceKernels.dot(q, q, dim).squareRoot()
            for (s, live) in snapshot.segments.enumerated() {
                let seg = live.segment
                let vectors = seg.vectors, norms = seg.norms
                let mask = live.deletedMask
                for r in 0..<seg.rowCount {
                    if let mask, mask[r] { continue }
                    if let filter, !filter(s, r) { continue }
                    let d = DistanceKernels.distance(metric, q, qNorm, vectors + r * dim, norms[r], dim)
                    top.offer(d, segment: s, row: r)
                }
            }
        }
        return top.entries
    }
}
