// MARK: - Search

extension HNSWIndex {
    /// The `k` approximate nearest rows to `query`.
    ///
    /// - Parameters:
    ///   - query: `dimension` components (normalised here for cosine).
    ///   - k: how many results at most.
    ///   - ef: candidate list size (default ``Configuration/efSearch``; raised to `k`).
    ///   - filter: optional predicate on row ids; only rows passing it are returned. The graph is
    ///     still traversed through rows that fail it (hnswlib's approach), so recall holds for
    ///     moderately selective filters; for highly selective ones use ``SearchPlanner`` and
    ///     ``exactSearch(_:k:filter:)``.
    /// - Returns: up to `k` hits, nearest first.
    /// - Throws: ``VectorIndexError`` `.dimensionMismatch`.
    public func search(_ query: [Float], k: Int, ef: Int? = nil, filter: ((Int32) -> Bool)? = nil) throws
        -> [SearchResult]
    {
        guard query.count == dimension else { throw VectorIndexError.dimension(expected: dimension, got: query.count, what: "query") }
        guard k > 0, entryPoint >= 0 else { return [] }
        let q = metric.normalizes ? VectorMath.normalized(query) : query
        let width = max(ef ?? configuration.efSearch, k)
        var visited = VisitedSet(capacity: count)
        return q.withUnsafeBufferPointer { qp -> [SearchResult] in
            guard let qb = qp.baseAddress else { return [] }
            var cur = entryPoint
            var curDist = distance(qb, to: cur)
            if maxLevel > 0 {
                for level in stride(from: maxLevel, to: 0, by: -1) {
                    greedyDescend(qb, level: level, node: &cur, distance: &curDist)
                }
            }
            var found = searchLayer(qb, entry: cur, entryDistance: curDist, ef: width, level: 0,
                                    filter: filter, visited: &visited)
            while found.count > k { found.pop() }
            var out: [SearchResult] = []
            out.reserveCapacity(found.count)
            while !found.isEmpty {
                let (key, id) = found.pop()
                out.append(SearchResult(id: id, distance: -key))
            }
            out.reverse()
            return out
        }
    }

    /// The exact `k` nearest rows (a flat scan over the stored vectors), for small or highly
    /// filtered searches.
    ///
    /// - Throws: ``VectorIndexError`` `.dimensionMismatch`.
    public func exactSearch(_ query: [Float], k: Int, filter: ((Int32) -> Bool)? = nil) throws -> [SearchResult] {
        try vectors.withUnsafeBufferPointer { rows in
            try FlatIndex.search(query: query, rows: rows, dimension: dimension, metric: metric, k: k, filter: filter)
        }
    }

    // MARK: - Internals shared with insert

    @inline(__always)
    func distance(_ q: UnsafePointer<Float>, to node: Int32) -> Float {
        vectors.withUnsafeBufferPointer { v in
            // Safe: node < count and the buffer holds count × dimension floats.
            metric.distance(q, v.baseAddress.unsafelyUnwrapped + Int(node) * dimension, dimension: dimension)
        }
    }

    /// Greedy walk on one upper level: moves to any closer neighbour until none is closer.
    func greedyDescend(_ q: UnsafePointer<Float>, level: Int, node: inout Int32, distance d: inout Float) {
        var changed = true
        while changed {
            changed = false
            let base = linkBase(node, level: level)
            let n = Int(upperLinks[base])
            for i in 0..<n {
                let cand = upperLinks[base + 1 + i]
                let dc = distance(q, to: cand)
                if dc < d {
                    d = dc
                    node = cand
                    changed = true
                }
            }
        }
    }

    /// Best-first search on one level. Returns a max-heap (negated keys) of at most `ef` rows
    /// that pass `filter`, exploring through all rows (hnswlib `searchBaseLayerST`).
    func searchLayer(
        _ q: UnsafePointer<Float>, entry: Int32, entryDistance: Float, ef: Int, level: Int,
        filter: ((Int32) -> Bool)?, visited: inout VisitedSet
    ) -> DistanceHeap {
        var results = DistanceHeap(capacity: ef + 1)
        var candidates = DistanceHeap(capacity: ef * 2)
        _ = visited.insert(entry)
        var lowerBound = Float.infinity
        if filter?(entry) ?? true {
            results.push(-entryDistance, entry)
            lowerBound = entryDistance
        }
        candidates.push(entryDistance, entry)
        let isLevel0 = level == 0
        let stride0 = level0Stride
        vectors.withUnsafeBufferPointer { vp in
            let vbase = vp.baseAddress.unsafelyUnwrapped
            let dim = dimension
            let metric = self.metric
            let links: [Int32] = isLevel0 ? level0 : upperLinks
            links.withUnsafeBufferPointer { lp in
                let lbase = lp.baseAddress.unsafelyUnwrapped
                while !candidates.isEmpty {
                    let cd = candidates.topKey
                    if cd > lowerBound && (results.count >= ef || filter == nil) { break }
                    let c = candidates.pop().id
                    let base = isLevel0 ? Int(c) * stride0 : linkBase(c, level: level)
                    let n = Int(lbase[base])
                    for i in 0..<n {
                        let nb = lbase[base + 1 + i]
                        guard visited.insert(nb) else { continue }
                        let d = metric.distance(q, vbase + Int(nb) * dim, dimension: dim)
                        if results.count < ef || d < lowerBound {
                            candidates.push(d, nb)
                            if filter?(nb) ?? true {
                                results.push(-d, nb)
                                if results.count > ef { results.pop() }
                                lowerBound = -results.topKey
                            }
                        }
                    }
                }
            }
        }
        return results
    }
}
