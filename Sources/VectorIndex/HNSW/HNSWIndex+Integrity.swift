// MARK: - Integrity

extension HNSWIndex {
    /// Checks every structural invariant of the graph.
    ///
    /// Array sizes agree with the row count; the entry point exists and sits on the top level;
    /// every link count is within its cap; every link names another existing row whose level is
    /// at least the link's level, with no duplicates in one list; vectors are finite.
    ///
    /// - Throws: ``VectorIndexError`` `.corruptIndex` naming the first broken invariant (row, level).
    public func checkIntegrity() throws {
        let n = levels.count
        let m = configuration.m
        guard vectors.count == n * dimension else {
            throw VectorIndexError.corrupt("vectors hold \(vectors.count) floats, expected \(n) × \(dimension)")
        }
        guard level0.count == n * level0Stride, upperOffsets.count == n else {
            throw VectorIndexError.corrupt("link tables sized for a different row count than \(n)")
        }
        if n == 0 {
            guard entryPoint == -1, maxLevel == -1, upperLinks.isEmpty else {
                throw VectorIndexError.corrupt("empty index has an entry point or links")
            }
            return
        }
        guard entryPoint >= 0, Int(entryPoint) < n else {
            throw VectorIndexError.corrupt("entry point \(entryPoint) out of range 0..<\(n)")
        }
        let top = levels.max().map(Int.init) ?? 0
        guard maxLevel == top, Int(levels[Int(entryPoint)]) == maxLevel else {
            throw VectorIndexError.corrupt("entry point level \(levels[Int(entryPoint)]) / max level \(maxLevel) disagree with top level \(top)")
        }
        var expectedUpper = 0
        for node in 0..<n {
            let level = Int(levels[node])
            let offset = Int(upperOffsets[node])
            if level == 0 {
                guard offset == -1 else { throw VectorIndexError.corrupt("row \(node) has level 0 but an upper-link offset \(offset)") }
            } else {
                guard offset >= 0, offset + level * upperStride <= upperLinks.count else {
                    throw VectorIndexError.corrupt("row \(node) upper-link block \(offset)+\(level * upperStride) outside \(upperLinks.count)")
                }
                expectedUpper += level * upperStride
            }
        }
        guard expectedUpper == upperLinks.count else {
            throw VectorIndexError.corrupt("upper links hold \(upperLinks.count) slots, levels need \(expectedUpper)")
        }
        var seen = Set<Int32>()
        for node in 0..<n {
            for level in 0...Int(levels[node]) {
                let base = linkBase(Int32(node), level: level)
                let table = level == 0 ? level0 : upperLinks
                let cap = level == 0 ? configuration.maxM0 : m
                let c = Int(table[base])
                guard c >= 0, c <= cap else {
                    throw VectorIndexError.corrupt("row \(node) level \(level) has \(c) links, cap \(cap)")
                }
                seen.removeAll(keepingCapacity: true)
                for i in 0..<c {
                    let t = table[base + 1 + i]
                    guard t >= 0, Int(t) < n, Int(t) != node else {
                        throw VectorIndexError.corrupt("row \(node) level \(level) links to invalid row \(t)")
                    }
                    guard Int(levels[Int(t)]) >= level else {
                        throw VectorIndexError.corrupt("row \(node) level \(level) links to row \(t) of level \(levels[Int(t)])")
                    }
                    guard seen.insert(t).inserted else {
                        throw VectorIndexError.corrupt("row \(node) level \(level) links to row \(t) twice")
                    }
                }
            }
        }
        for (i, x) in vectors.enumerated() where !x.isFinite {
            throw VectorIndexError.corrupt("row \(i / dimension) component \(i % dimension) is not finite")
        }
    }
}
