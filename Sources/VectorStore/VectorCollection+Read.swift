extension VectorCollection {
    // MARK: - Reads

    /// Number of live rows.
    public func count() throws -> Int { try current().manifest.count }

    /// Records by ids and/or filters, in storage order (or in the order of `ids` when given).
    /// - Parameters:
    ///   - ids: only these ids (missing ids are skipped).
    ///   - where: metadata filter.
    ///   - whereDocument: document filter.
    ///   - limit: at most this many records (after `offset`).
    ///   - offset: skip this many matching records.
    ///   - includeVectors: fill ``VectorRecord/vector`` (empty otherwise).
    /// - Throws: `.invalidArgument` for a negative limit/offset; `.corruptFile` for damaged data.
    public func get(ids: [String]? = nil, where filter: MetadataFilter? = nil, whereDocument: DocumentFilter? = nil,
                    limit: Int? = nil, offset: Int = 0, includeVectors: Bool = false) throws -> [VectorRecord] {
        guard offset >= 0, (limit ?? 0) >= 0 else { throw StorageError.invalid("limit and offset must not be negative") }
        let snap = try current()
        let refs = try matchingRefs(snap, ids: ids, where: filter, whereDocument: whereDocument)
        let end = limit.map { min(refs.count, offset + $0) } ?? refs.count
        guard offset < end else { return [] }
        return try refs[offset..<end].map { try snap.record($0, includeVector: includeVectors) }
    }

    /// The first `limit` records, with vectors.
    public func peek(limit: Int = 10) throws -> [VectorRecord] {
        try get(limit: limit, includeVectors: true)
    }

    /// The `k` nearest live rows to `vector` that pass the filters, nearest first.
    /// - Throws: `.dimensionMismatch`, `.invalidArgument` (k < 1, non-finite query).
    /// With `includeVectors`, each hit carries its stored vector (``QueryHit/vector``).
    public func query(vector: [Float], k: Int, where filter: MetadataFilter? = nil,
                      whereDocument: DocumentFilter? = nil, includeVectors: Bool = false) throws -> [QueryHit] {
        try query(vectors: [vector], k: k, where: filter, whereDocument: whereDocument, includeVectors: includeVectors)[0]
    }

    /// Several queries against one snapshot (all see the same version).
    public func query(vectors: [[Float]], k: Int, where filter: MetadataFilter? = nil,
                      whereDocument: DocumentFilter? = nil, includeVectors: Bool = false) throws -> [[QueryHit]] {
        guard k >= 1 else { throw StorageError.invalid("k must be at least 1, got \(k)") }
        for v in vectors {
            guard v.count == dimension else {
                throw StorageError(code: .dimensionMismatch,
                                   message: "query vector has \(v.count) dimensions; collection '\(name)' has \(dimension)")
            }
            guard v.allSatisfy(\.isFinite) else { throw StorageError.invalid("query vector has NaN or infinite values") }
        }
        let snap = try current()
        return try vectors.map { v in
            let top = try search(snap, query: v, k: k, where: filter, whereDocument: whereDocument)
            return try top.map { e in
                let seg = snap.segments[Int(e.segment)].segment
                let r = Int(e.row)
                return QueryHit(id: seg.id(r), distance: e.distance, document: seg.document(r), metadata: try seg.metadata(r),
                                vector: includeVectors ? Array(seg.vector(r)) : [])
            }
        }
    }

    // MARK: - Helpers

    /// A per-row predicate for the filters, with metadata decoded once per segment.
    func makeRowFilter(_ snap: Snapshot, where filter: MetadataFilter?,
                       whereDocument: DocumentFilter?) throws -> ExactSearch.RowFilter? {
        if filter == nil && whereDocument == nil { return nil }
        let masks: [[Bool]]? = try filter.map { try snap.allowedMasks($0) }
        return { s, r in
            if let masks, !masks[s][r] { return false }
            if let whereDocument, !whereDocument.matches(snap.segments[s].segment.document(r)) { return false }
            return true
        }
    }

    /// Live rows matching ids and filters: in `ids` order when ids are given, else storage order.
    func matchingRefs(_ snap: Snapshot, ids: [String]?, where filter: MetadataFilter?,
                      whereDocument: DocumentFilter?) throws -> [RowRef] {
        let pass = try makeRowFilter(snap, where: filter, whereDocument: whereDocument)
        var refs: [RowRef] = []
        if let ids {
            let index = snap.idIndex()
            var seen = Set<String>()
            for id in ids where seen.insert(id).inserted {
                guard let ref = index[id] else { continue }
                if let pass, !pass(ref.segment, ref.row) { continue }
                refs.append(ref)
            }
            return refs
        }
        for (s, live) in snap.segments.enumerated() {
            for r in 0..<live.segment.rowCount where live.isLive(r) {
                if let pass, !pass(s, r) { continue }
                refs.append(RowRef(segment: s, row: r))
            }
        }
        return refs
    }
}
