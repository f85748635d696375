import VectorIndex

extension VectorCollection {
    /// Hybrid search: BM25 over documents (Korean syllable bigrams + whole words, English words)
    /// and vector similarity, fused by Reciprocal Rank Fusion (score = Σ 1/(60 + rank)). Each
    /// ranking contributes its top `max(4k, 50)`. Hits are ordered by fused score; `distance` is
    /// the vector distance, for information.
    /// - Throws: `.dimensionMismatch`, `.invalidArgument`.
    public func hybridQuery(vector: [Float], text: String, k: Int, where filter: MetadataFilter? = nil,
                            includeVectors: Bool = false) throws -> [QueryHit] {
        guard k >= 1 else { throw StorageError.invalid("k must be at least 1, got \(k)") }
        guard vector.count == dimension else {
            throw StorageError(code: .dimensionMismatch,
                               message: "query vector has \(vector.count) dimensions; collection '\(name)' has \(dimension)")
        }
        guard vector.allSatisfy(\.isFinite) else { throw StorageError.invalid("query vector has NaN or infinite values") }
        let snap = try current()
        let depth = max(4 * k, 50)
        let rowFilter = try makeRowFilter(snap, where: filter, whereDocument: nil)
        let vectorTop = try search(snap, query: vector, k: depth, where: filter, whereDocument: nil)
            .map { RowRef(segment: Int($0.segment), row: Int($0.row)) }
        let textIndex = snap.textIndex()
        let refs = textIndex.refs
        let textFilter: ((Int32) -> Bool)? = rowFilter.map { f in { id in f(refs[Int(id)].segment, refs[Int(id)].row) } }
        let textTop = textIndex.bm25.search(text, k: depth, filter: textFilter).map { refs[Int($0.id)] }
        let fused = ReciprocalRankFusion.fuse([vectorTop, textTop], limit: k)
        return try fused.map { result in
            let ref = result.id
            let seg = snap.segments[ref.segment].segment
            return QueryHit(id: seg.id(ref.row), distance: ExactSearch.distance(snap, segment: ref.segment, row: ref.row, query: vector),
                            document: seg.document(ref.row), metadata: try seg.metadata(ref.row),
                            vector: includeVectors ? Array(seg.vector(ref.row)) : [])
        }
    }
}

extension VectorCollection {
    /// Keyword search alone: BM25 over documents (the text half of ``hybridQuery(vector:text:k:where:)``).
    /// `distance` in the hits is `1 / (1 + score)`, so smaller is better as elsewhere.
    public func textQuery(_ text: String, k: Int, where filter: MetadataFilter? = nil) throws -> [QueryHit] {
        guard k >= 1 else { throw StorageError.invalid("k must be at least 1, got \(k)") }
        let snap = try current()
        let rowFilter = try makeRowFilter(snap, where: filter, whereDocument: nil)
        let textIndex = snap.textIndex()
        let refs = textIndex.refs
        let textFilter: ((Int32) -> Bool)? = rowFilter.map { f in { id in f(refs[Int(id)].segment, refs[Int(id)].row) } }
        return try textIndex.bm25.search(text, k: k, filter: textFilter).map { hit in
            let ref = refs[Int(hit.id)]
            let seg = snap.segments[ref.segment].segment
            return QueryHit(id: seg.id(ref.row), distance: 1 / (1 + hit.score), document: seg.document(ref.row),
                            metadata: try seg.metadata(ref.row))
        }
    }
}
