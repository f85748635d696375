/// Chooses between an exact scan and an HNSW search for one query.
///
/// Exact wins when the collection is small (a scan of a few thousand rows costs less than a
/// graph walk and is always right) or when a filter keeps few rows (a filtered graph walk must
/// visit about `ef / selectivity` rows to find `ef` matches, and its recall drops).
public struct SearchPlanner: Sendable, Hashable {
    /// The search method to use.
    public enum Strategy: Sendable, Hashable {
        /// Scan every (matching) row.
        case exact
        /// Walk the HNSW graph.
        case hnsw
    }

    /// Collections with at most this many rows are always scanned exactly.
    public var exactRowLimit: Int
    /// Filters matching at most this share of rows use the exact scan.
    public var minimumHNSWSelectivity: Double
    /// Filters matching at most this many rows use the exact scan regardless of share.
    public var exactMatchLimit: Int

    /// Creates a planner; defaults measured on 384–768-d data (see docs/BENCHMARKS.md).
    public init(exactRowLimit: Int = 4096, minimumHNSWSelectivity: Double = 0.1, exactMatchLimit: Int = 4096) {
        self.exactRowLimit = exactRowLimit
        self.minimumHNSWSelectivity = minimumHNSWSelectivity
        self.exactMatchLimit = exactMatchLimit
    }

    /// Picks a strategy.
    ///
    /// - Parameters:
    ///   - rowCount: rows in the searched set.
    ///   - matchingCount: rows that pass the filter (`nil` when there is no filter).
    ///   - k: requested results.
    public func strategy(rowCount: Int, matchingCount: Int?, k: Int) -> Strategy {
        if rowCount <= max(exactRowLimit, k) { return .exact }
        guard let matching = matchingCount else { return .hnsw }
        if matching <= max(exactMatchLimit, k) { return .exact }
        let selectivity = Double(matching) / Double(max(rowCount, 1))
        return selectivity <= minimumHNSWSelectivity ? .exact : .hnsw
    }
}
