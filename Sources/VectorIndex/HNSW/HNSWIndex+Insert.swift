// MARK: - Insert

extension HNSWIndex {
    /// Adds one vector and links it into the graph.
    ///
    /// - Parameter vector: `dimension` components (normalised here for cosine).
    /// - Returns: the new row id (equal to the previous ``count``).
    /// - Throws: ``VectorIndexError`` `.dimensionMismatch`, or `.capacityExceeded` past `Int32.max` rows.
    @discardableResult
    public mutating func insert(_ vector: [Float]) throws -> Int32 {
        var visited = VisitedSet(capacity: count + 1)
        return try insert(vector, visited: &visited)
    }

    /// Adds many vectors (row ids are consecutive), reusing scratch space between inserts.
    ///
    /// - Parameter rows: `n × dimension` floats, back to back.
    /// - Returns: the id of the first added row.
    /// - Throws: ``VectorIndexError`` `.dimensionMismatch` when `rows` is not a whole number of vectors.
    @discardableResult
    public mutating func insert(contentsOf rows: UnsafeBufferPointer<Float>) throws -> Int32 {
        guard rows.count % dimension == 0 else {
            throw VectorIndexError(code: .dimensionMismatch,
                                   message: "row buffer holds \(rows.count) floats, not a multiple of dimension \(dimension)")
        }
        let first = Int32(truncatingIfNeeded: count)
        let n = rows.count / dimension
        reserveCapacity(count + n)
        var visited = VisitedSet(capacity: count + n)
        for r in 0..<n {
            _ = try insert(Array(rows[(r * dimension)..<((r + 1) * dimension)]), visited: &visited)
        }
        return first
    }

    /// Reserves storage for `rows` vectors in total.
    public mutating func reserveCapacity(_ rows: Int) {
        vectors.reserveCapacity(rows * dimension)
        levels.reserveCapacity(rows)
        level0.reserveCapacity(rows * level0Stride)
        upperOffsets.reserveCapacity(rows)
    }

    mutating func insert(_ vector: [Float], visited: inout VisitedSet) throws -> Int32 {
        guard vector.count == dimension else {
            throw VectorIndexError.dimension(expected: dimension, got: vector.count, what: "vector")
        }
        guard count < Int(Int32.max) else {
            throw VectorIndexError(code: .capacityExceeded, message: "HNSW index is full (\(count) rows)")
        }
        var v = vector
        if metric.normalizes { VectorMath.normalize(&v) }
        let node = Int32(truncatingIfNeeded: count)
        let level = randomLevel()
        vectors.append(contentsOf: v)
        levels.append(UInt8(level))
        level0.append(contentsOf: repeatElement(0, count: level0Stride))
        if level > 0 {
            upperOffsets.append(Int32(truncatingIfNeeded: upperLinks.count))
            upperLinks.append(contentsOf: repeatElement(0, count: level * upperStride))
        } else {
            upperOffsets.append(-1)
        }
        guard entryPoint >= 0 else {
            entryPoint = node
            maxLevel = level
            return node
        }
        v.withUnsafeBufferPointer { qp in
            let q = qp.baseAddress.unsafelyUnwrapped
            var cur = entryPoint
            var curDist = distance(q, to: cur)
            if level < maxLevel {
                for l in stride(from: maxLevel, to: level, by: -1) {
                    greedyDescend(q, level: l, node: &cur, distance: &curDist)
                }
            }
            for l in stride(from: min(level, maxLevel), through: 0, by: -1) {
                visited.reset(capacity: count)
                var found = searchLayer(q, entry: cur, entryDistance: curDist, ef: configuration.efConstruction,
                                        level: l, filter: nil, visited: &visited)
                // Sorted nearest first.
                var cands: [SearchResult] = []
                cands.reserveCapacity(found.count)
                while !found.isEmpty {
                    let (key, id) = found.pop()
                    cands.append(SearchResult(id: id, distance: -key))
                }
                cands.reverse()
                if let first = cands.first {
                    cur = first.id
                    curDist = first.distance
                }
                let chosen = selectNeighbors(cands, max: configuration.m)
                setLinks(of: node, level: l, to: chosen.map(\.id))
                let cap = l == 0 ? configuration.maxM0 : configuration.m
                for nb in chosen { addLink(from: nb.id, to: node, distance: nb.distance, level: l, cap: cap) }
            }
        }
        if level > maxLevel {
            entryPoint = node
            maxLevel = level
        }
        return node
    }

    /// hnswlib's heuristic: keep a candidate only if it is closer to the base than to every
    /// neighbour kept so far (spreads links in different directions). `cands` is nearest first.
    func selectNeighbors(_ cands: [SearchResult], max m: Int) -> [SearchResult] {
        if cands.count <= m { return cands }
        var kept: [SearchResult] = []
        kept.reserveCapacity(m)
        vectors.withUnsafeBufferPointer { vp in
            let vb = vp.baseAddress.unsafelyUnwrapped
            for c in cands {
                let pc = vb + Int(c.id) * dimension
                var good = true
                for r in kept where metric.distance(pc, vb + Int(r.id) * dimension, dimension: dimension) < c.distance {
                    good = false
                    break
                }
                if good {
                    kept.append(c)
                    if kept.count >= m { break }
                }
            }
        }
        return kept
    }

    mutating func setLinks(of node: Int32, level: Int, to ids: [Int32]) {
        let base = linkBase(node, level: level)
        if level == 0 {
            level0[base] = Int32(ids.count)
            for (i, id) in ids.enumerated() { level0[base + 1 + i] = id }
        } else {
            upperLinks[base] = Int32(ids.count)
            for (i, id) in ids.enumerated() { upperLinks[base + 1 + i] = id }
        }
    }

    /// Adds `node` to `from`'s links on `level`, pruning with the heuristic when over `cap`.
    mutating func addLink(from: Int32, to node: Int32, distance: Float, level: Int, cap: Int) {
        var current = links(of: from, level: level)
        if current.count < cap {
            current.append(node)
            setLinks(of: from, level: level, to: current)
            return
        }
        current.append(node)
        let chosen: [SearchResult] = vectors.withUnsafeBufferPointer { vp in
            let vb = vp.baseAddress.unsafelyUnwrapped
            let pf = vb + Int(from) * dimension
            var cands = current.map { id in
                SearchResult(id: id, distance: metric.distance(pf, vb + Int(id) * dimension, dimension: dimension))
            }
            cands.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
            return cands
        }
        setLinks(of: from, level: level, to: selectNeighbors(chosen, max: cap).map(\.id))
    }
}
