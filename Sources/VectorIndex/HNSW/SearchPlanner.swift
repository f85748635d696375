/// Chooses how one segment answers one query: a full-precision scan, the quantised exact scan
/// (``QuantizedRows``), or the segment's index (``ProjectedRows``, exact, or an HNSW walk; the
/// store decides which kind a segment gets when it writes it).
///
/// - A filter that keeps few rows: full-precision scan of just those rows (a filtered graph walk
///   must visit about `ef / selectivity` rows to find `ef` matches, and its recall drops).
/// - Up to ``quantizedComponentLimit`` components (rows × dimension; 16 Mi ≈ 20k × 768 or 43k ×
///   384): the quantised scan, which returns exactly what a full-precision scan returns and reads
///   a quarter of the bytes. Below ``quantizedMinRows`` rows a plain scan is as fast.
/// - Larger segments: their index.
public struct SearchPlanner: Sendable, Hashable {
    /// The search method to use.
    public enum Strategy: Sendable, Hashable {
        /// Scan every (matching) row in full precision.
        case exact
        /// Scan 8-bit codes, then re-score the few candidates in full precision (exact result).
        case quantized
        /// Search the segment's index (projection or HNSW).
        case index
    }

    /// Segments with at most this many rows are never searched through HNSW.
    public var exactRowLimit: Int
    /// Filters matching at most this share of rows use the exact scan.
    public var minimumHNSWSelectivity: Double
    /// Filters matching at most this many rows use the exact scan regardless of share.
    public var exactMatchLimit: Int
    /// Segments of at most this many components (rows × dimension) use the quantised exact scan
    /// and need no HNSW index; 0 turns the quantised scan off.
    public var quantizedComponentLimit: Int
    /// Segments with fewer rows use the plain scan instead of the quantised one.
    public var quantizedMinRows: Int

    /// Creates a planner; defaults measured on 384–768-d data (see docs/BENCHMARKS.md).
    public init(exactRowLimit: Int = 4096, minimumHNSWSelectivity: Double = 0.1, exactMatchLimit: Int = 4096,
                quantizedComponentLimit: Int = 16 << 20, quantizedMinRows: Int = 256) {
        self.exactRowLimit = exactRowLimit
        self.minimumHNSWSelectivity = minimumHNSWSelectivity
        self.exactMatchLimit = exactMatchLimit
        self.quantizedComponentLimit = quantizedComponentLimit
        self.quantizedMinRows = quantizedMinRows
    }

    /// Picks a strategy.
    ///
    /// - Parameters:
    ///   - rowCount: rows in the searched set.
    ///   - dimension: components per row.
    ///   - matchingCount: rows that pass the filter (`nil` when there is no filter).
    ///   - k: requested results.
    public func strategy(rowCount: Int, dimension: Int, matchingCount: Int?, k: Int) -> Strategy {
        if let matching = matchingCount, matching <= max(exactMatchLimit, k) { return .exact }
        if usesQuantizedScan(rowCount: rowCount, dimension: dimension) {
            return rowCount >= quantizedMinRows ? .quantized : .exact
        }
        if rowCount <= max(exactRowLimit, k) { return .exact }
        guard let matching = matchingCount else { return .index }
        let selectivity = Double(matching) / Double(max(rowCount, 1))
        return selectivity <= minimumHNSWSelectivity ? .exact : .index
    }

    /// Whether a segment of this shape can be searched through an index (and so needs one):
    /// every segment beyond the quantised scan's limit (the store also requires `hnswMinRows`).
    public func needsIndex(rowCount: Int, dimension: Int) -> Bool {
        !usesQuantizedScan(rowCount: rowCount, dimension: dimension)
    }

    /// Whether unfiltered queries on a segment of this shape use the quantised scan (so its codes
    /// are worth building as soon as the segment is loaded).
    public func prefersQuantizedScan(rowCount: Int, dimension: Int) -> Bool {
        rowCount >= quantizedMinRows && usesQuantizedScan(rowCount: rowCount, dimension: dimension)
    }

    private func usesQuantizedScan(rowCount: Int, dimension: Int) -> Bool {
        let components = rowCount.multipliedReportingOverflow(by: dimension)
        return !components.overflow && components.partialValue <= quantizedComponentLimit
    }
}
