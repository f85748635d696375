/// Exact nearest-neighbour search by scanning contiguous rows in place (no copies).
///
/// Rows are `dimension` floats each, back to back, in any memory the caller owns (a `[Float]`,
/// an mmap'ed segment). For ``IndexMetric/cosine`` the rows must already be L2-normalised; the
/// query is normalised here.
public enum FlatIndex {
    /// The `k` nearest rows to `query`.
    ///
    /// - Parameters:
    ///   - query: the query vector (`dimension` components).
    ///   - rows: `rowCount × dimension` floats.
    ///   - dimension: components per row.
    ///   - metric: distance to rank by.
    ///   - k: how many results at most.
    ///   - filter: optional predicate on row numbers; rows for which it returns false are skipped.
    /// - Returns: up to `k` hits, nearest first (ties by row number).
    /// - Throws: ``VectorIndexError`` `.dimensionMismatch` or `.invalidArgument`.
    public static func search(
        query: [Float], rows: UnsafeBufferPointer<Float>, dimension: Int, metric: IndexMetric, k: Int,
        filter: ((Int32) -> Bool)? = nil
    ) throws -> [SearchResult] {
        guard dimension > 0 else {
            throw VectorIndexError(code: .invalidArgument, message: "dimension must be positive, got \(dimension)")
        }
        guard query.count == dimension else { throw VectorIndexError.dimension(expected: dimension, got: query.count, what: "query") }
        guard rows.count % dimension == 0 else {
            throw VectorIndexError(code: .invalidArgument,
                                   message: "row buffer holds \(rows.count) floats, not a multiple of dimension \(dimension)")
        }
        guard rows.count / dimension <= Int(Int32.max) else {
            throw VectorIndexError(code: .capacityExceeded, message: "more than \(Int32.max) rows")
        }
        let q = metric.normalizes ? VectorMath.normalized(query) : query
        return q.withUnsafeBufferPointer { qp in
            guard let qb = qp.baseAddress else { return [] }
            var top = TopK(k: k)
            scan(query: qb, rows: rows, dimension: dimension, metric: metric, filter: filter, into: &top)
            return top.sorted()
        }
    }

    /// Scans `rows` and offers every (filter-passing) row to `top`. Row ids start at `firstID`.
    ///
    /// Lower-level entry for callers that merge several row blocks (segments) into one ``TopK``.
    /// The query must already be normalised for ``IndexMetric/cosine``.
    public static func scan(
        query: UnsafePointer<Float>, rows: UnsafeBufferPointer<Float>, dimension: Int, metric: IndexMetric,
        firstID: Int32 = 0, filter: ((Int32) -> Bool)? = nil, into top: inout TopK
    ) {
        guard dimension > 0, let base = rows.baseAddress else { return }
        let n = rows.count / dimension
        var r = 0
        if let filter {
            while r < n {
                let id = firstID &+ Int32(truncatingIfNeeded: r)
                if filter(id) {
                    top.insert(id: id, distance: metric.distance(query, base + r &* dimension, dimension: dimension))
                }
                r &+= 1
            }
        } else {
            switch metric {
            case .cosine, .innerProduct:
                while r < n {
                    let d = 1 - DistanceKernels.dot(query, base + r &* dimension, count: dimension)
                    if d < top.threshold { top.insert(id: firstID &+ Int32(truncatingIfNeeded: r), distance: d) }
                    r &+= 1
                }
            case .l2:
                while r < n {
                    let d = DistanceKernels.squaredL2(query, base + r &* dimension, count: dimension)
                    if d < top.threshold { top.insert(id: firstID &+ Int32(truncatingIfNeeded: r), distance: d) }
                    r &+= 1
                }
            }
        }
    }
}
