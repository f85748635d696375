/// Reciprocal Rank Fusion (Cormack, Clarke & Büttcher 2009): combines several rankings by
/// summing `weight / (k + rank)` per item, rank starting at 1.
public enum ReciprocalRankFusion {
    /// The customary constant `k = 60`.
    public static let defaultK = 60

    /// One fused result.
    public struct Result<ID: Hashable & Sendable>: Sendable, Hashable {
        /// The item.
        public var id: ID
        /// Fused score (higher is better).
        public var score: Double
    }

    /// Fuses rankings (each best first; an item appearing twice in one list counts once, at its
    /// best rank).
    ///
    /// - Parameters:
    ///   - rankings: lists of ids, best first.
    ///   - k: the RRF constant (default 60).
    ///   - weights: optional per-list weights (default 1 each).
    ///   - limit: how many results at most (default all).
    /// - Returns: results by descending score; ties go to the item with the better best rank, then
    ///   to the earlier list.
    public static func fuse<ID: Hashable & Sendable>(
        _ rankings: [[ID]], k: Int = defaultK, weights: [Double]? = nil, limit: Int? = nil
    ) -> [Result<ID>] {
        var acc: [ID: FusionAccumulator] = [:]
        var order = 0
        for (li, list) in rankings.enumerated() {
            let w = weights.flatMap { li < $0.count ? $0[li] : nil } ?? 1
            var seenInList = Set<ID>()
            for (r, id) in list.enumerated() where seenInList.insert(id).inserted {
                let rank = r + 1
                let add = w / Double(k + rank)
                if var a = acc[id] {
                    a.score += add
                    a.bestRank = min(a.bestRank, rank)
                    acc[id] = a
                } else {
                    acc[id] = FusionAccumulator(score: add, bestRank: rank, firstList: li, order: order)
                    order += 1
                }
            }
        }
        var out = acc.map { (id: $0.key, acc: $0.value) }
        out.sort { x, y in
            if x.acc.score != y.acc.score { return x.acc.score > y.acc.score }
            if x.acc.bestRank != y.acc.bestRank { return x.acc.bestRank < y.acc.bestRank }
            if x.acc.firstList != y.acc.firstList { return x.acc.firstList < y.acc.firstList }
            return x.acc.order < y.acc.order
        }
        let n = min(limit ?? out.count, out.count)
        return out.prefix(n).map { Result(id: $0.id, score: $0.acc.score) }
    }
}

/// Running totals for one item during fusion.
private struct FusionAccumulator {
    var score: Double
    var bestRank: Int
    var firstList: Int
    var order: Int
}
