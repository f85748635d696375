import VectorIndex

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

    /// Exact top-k of one segment through its 8-bit copy: the codes bound every row's score, and
    /// only the rows that can reach the top `k` are scored in full precision (same result as
    /// ``scan(_:segment:query:allowed:filter:into:)``).
    static func quantizedScan(_ snapshot: Snapshot, segment s: Int, query: [Float], k: Int, allowed: [Bool]?,
                              into top: inout TopK) {
        let metric = snapshot.manifest.metric
        let seg = snapshot.segments[s].segment
        let codes = seg.quantized(metric)
        let coded = metric == .cosine ? VectorMath.normalized(query) : query
        let candidates = coded.withUnsafeBufferPointer { codes.candidates(query: $0, k: k, allowed: allowed) }
        rescore(snapshot, segment: s, candidates: candidates, query: query, into: &top)
    }

    /// Exact top-k of one segment through its projection index: the same re-score as
    /// ``quantizedScan(_:segment:query:k:allowed:into:)`` over the index's candidates.
    static func projectedScan(_ snapshot: Snapshot, segment s: Int, index: ProjectedRows, query: [Float], k: Int,
                              allowed: [Bool]?, into top: inout TopK) {
        let coded = snapshot.manifest.metric == .cosine ? VectorMath.normalized(query) : query
        let candidates = coded.withUnsafeBufferPointer { index.candidates(query: $0, k: k, allowed: allowed) }
        rescore(snapshot, segment: s, candidates: candidates, query: query, into: &top)
    }

    /// Scores `candidates` in full precision, best bound first, until no later one can enter.
    private static func rescore(_ snapshot: Snapshot, segment s: Int, candidates: CandidateQueue, query: [Float],
                                into top: inout TopK) {
        let metric = snapshot.manifest.metric
        let dim = snapshot.manifest.dimension
        let seg = snapshot.segments[s].segment
        query.withUnsafeBufferPointer { qb in
            guard let q = qb.baseAddress else { return }
            let qNorm = DistanceKernels.dot(q, q, dim).squareRoot()
            let qNorm2 = Double(qNorm) * Double(qNorm)
            // Best bound first: once a candidate's best possible distance is worse than the k-th
            // distance found, no later candidate can enter.
            for c in candidates {
                let bestDistance = metric == .l2 ? qNorm2 - 2 * c.scoreBound : 1 - c.scoreBound
                if bestDistance > Double(top.threshold) { break }
                let row = Int(c.row)
                top.offer(DistanceKernels.distance(metric, q, qNorm, seg.vectors + row * dim, seg.norms[row], dim),
                          segment: s, row: row)
            }
        }
    }

    /// Whether `query`'s float32 norm (as the scan computes it) is positive and finite.
    static func hasUsableNorm(_ query: [Float]) -> Bool {
        query.withUnsafeBufferPointer { qb in
            guard let q = qb.baseAddress else { return false }
            let norm = DistanceKernels.dot(q, q, qb.count).squareRoot()
            return norm > 0 && norm.isFinite
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
