extension VectorCollection {
    /// Hybrid search: BM25 over documents and vector similarity, fused by Reciprocal Rank Fusion
    /// (score = Σ 1/(60 + rank) over both rankings). Each list contributes its top `max(4k, 50)`.
    /// `distance` in the hits is the vector distance, for information; order is by fused score.
    /// - Throws: `.dimensionMismatch`, `.invalidArgument`.
    public func hybridQuery(vector: [Float], text: String, k: Int, where filter: MetadataFilter? = nil) throws -> [QueryHit] {
        guard k >= 1 else { throw StorageError.invalid("k must be at least 1, got \(k)") }
        guard vector.count == dimension else {
            throw StorageError(code: .dimensionMismatch,
                               message: "query vector has \(vector.count) dimensions; collection '\(name)' has \(dimension)")
        }
        let snap = try current()
        let depth = max(4 * k, 50)
        let rowFilter = try makeRowFilter(snap, where: filter, whereDocument: nil)
        let vectorTop = ExactSearch.search(snap, query: vector, k: depth, filter: rowFilter)
        var docs: [(ref: RowRef, text: String)] = []
        for ref in try matchingRefs(snap, ids: nil, where: filter, whereDocument: nil) {
            if let d = snap.segments[ref.segment].segment.document(ref.row) { docs.append((ref, d)) }
        }
        let textTop = TextRanker.scores(query: text, documents: docs).sorted { $0.1 > $1.1 }.prefix(depth)
        var fused: [RowRef: Double] = [:]
        for (rank, e) in vectorTop.enumerated() {
            fused[RowRef(segment: Int(e.segment), row: Int(e.row)), default: 0] += 1 / Double(60 + rank + 1)
        }
        for (rank, e) in textTop.enumerated() { fused[e.0, default: 0] += 1 / Double(60 + rank + 1) }
        let ranked = fused.sorted { a, b in
            a.value != b.value ? a.value > b.value : (a.key.segment, a.key.row) < (b.key.segment, b.key.row)
        }.prefix(k)
        let dim = dimension
        return try vector.withUnsafeBufferPointer { qb in
            let q = qb.baseAddress!
            let qNorm = DistanceKernels.dot(q, q, dim).squareRoot()
            return try ranked.map { ref, _ in
                let seg = snap.segments[ref.segment].segment
                let d = DistanceKernels.distance(metric, q, qNorm, seg.vectors + ref.row * dim, seg.norms[ref.row], dim)
                return QueryHit(id: seg.id(ref.row), distance: d, document: seg.document(ref.row),
                                metadata: try seg.metadata(ref.row))
            }
        }
    }
}
