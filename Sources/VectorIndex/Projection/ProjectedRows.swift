/// An exact top-k index for rows whose energy lies mostly in a low-dimensional subspace: each row
/// is kept as its `rank` coordinates in a ``ProjectionBasis`` (8-bit coded through
/// ``QuantizedRows``) plus the norm of what the basis misses, and every score is bounded by
///
///     q·x ∈ a·y ± (‖q⊥‖·‖r‖ + ‖a‖·π + ‖a − a_f‖·max‖y‖ + ε)
///
/// where `P` is the stored float basis, `y = P x` (rounded to float), `r = x − Pᵀy`, `a = P q`
/// (`a_f` its float rounding, the query the codes see), `q⊥ = q − Pᵀa` and `π ≥ ‖P r‖` (float
/// rounding of `y` and of `P`'s orthonormality; ≈10⁻⁷). The identity `q·x = (Pq)·y + q⊥·r + a·(Pr)`
/// holds for any `P`, so the bound is certain; the basis only makes `‖r‖` and `‖q⊥‖` small.
/// With `rank` = 64 of 768 components a query reads 64 bytes per row instead of 768 and
/// re-scores a handful of rows: the same result as a full-precision scan, at a twelfth of the
/// bytes. See docs/modules/index.md, "Projected exact scan".
public final class ProjectedRows: @unchecked Sendable {
    // @unchecked: every stored property is written once in `init` and only read afterwards.

    /// Components of the original rows.
    public var dimension: Int { basis.dimension }
    /// Coordinates kept per row.
    public var rank: Int { basis.rank }
    /// Rows indexed.
    public let rowCount: Int
    /// Whether rows (and queries) are L2-normalised: scores are cosines.
    public let normalized: Bool
    /// The subspace.
    public let basis: ProjectionBasis
    /// `rowCount × rank` coordinates `y` (float).
    public let projections: [Float]
    /// `‖x − Pᵀy‖` per row, rounded up to float.
    public let residualNorms: [Float]
    /// Upper bound on `‖P r‖` over all rows.
    public let projectionError: Double
    /// Largest `‖x‖` (after normalisation): scales the re-scoring allowance.
    public let maxRowNorm: Double

    private let basisDoubles: [Double]
    /// `P Pᵀ`, `rank × rank`.
    private let gram: [Double]
    private let maxProjectedNorm: Double
    private let codes: QuantizedRows

    /// Projects `rows` onto `basis` and codes the coordinates.
    ///
    /// - Returns: nil when a row is not finite or its coordinates overflow float.
    public convenience init?(rows: UnsafePointer<Float>, rowCount: Int, basis: ProjectionBasis, normalize: Bool,
                             kernel: KernelSelection = .current) {
        let d = basis.dimension, m = basis.rank
        let p = basis.vectors.map(Double.init)
        let gram = Self.gram(p, rank: m, dimension: d)
        let rounding = Self.roundingShare(dimension: d, rank: m)
        var projections = [Float](repeating: 0, count: rowCount * m)
        var residuals = [Float](repeating: 0, count: rowCount)
        var worstError = 0.0, maxNorm = 0.0
        var x = [Double](repeating: 0, count: d)
        var yd = [Double](repeating: 0, count: m), y = [Double](repeating: 0, count: m), gy = [Double](repeating: 0, count: m)
        for r in 0..<rowCount {
            let row = rows + r * d
            var norm2 = 0.0
            for i in 0..<d { norm2 += Double(row[i]) * Double(row[i]) }
            guard norm2.isFinite else { return nil }
            // Cosine rows are scaled by their float32 norm, as the store scores them: a row whose
            // float32 norm is 0 or overflows scores 0 there (distance 1), and is a zero row here.
            let floatNorm = DistanceKernels.dot(row, row, count: d).squareRoot()
            let scale = normalize ? (floatNorm > 0 && floatNorm.isFinite ? 1 / Double(floatNorm) : 0) : 1
            var xNorm2 = 0.0
            for i in 0..<d {
                x[i] = Double(row[i]) * scale
                xNorm2 += x[i] * x[i]
            }
            for k in 0..<m {
                yd[k] = ProjectionBasis.dot(p, k * d, x, 0, d)
                let f = Float(yd[k])
                guard f.isFinite else { return nil }
                projections[r * m + k] = f
                y[k] = Double(f)
            }
            for k in 0..<m { gy[k] = ProjectionBasis.dot(gram, k * m, y, 0, m) }
            // ‖r‖² = ‖x‖² − 2 (Px)·y + yᵀGy, and P r = Px − G y; both in double with a margin for
            // the worst-case rounding of those sums (``roundingShare(dimension:rank:)``).
            let yNorm2 = ProjectionBasis.dot(y, 0, y, 0, m)
            let r2 = xNorm2 - 2 * ProjectionBasis.dot(yd, 0, y, 0, m) + ProjectionBasis.dot(y, 0, gy, 0, m)
            let rho = (max(r2, 0) + rounding * (xNorm2 + yNorm2)).squareRoot() * (1 + 1e-9)
            var pr2 = 0.0
            for k in 0..<m { pr2 += (yd[k] - gy[k]) * (yd[k] - gy[k]) }
            worstError = max(worstError, pr2.squareRoot() + rounding * (xNorm2.squareRoot() + yNorm2.squareRoot()))
            var stored = Float(rho)
            if Double(stored) < rho { stored = stored.nextUp }
            guard stored.isFinite else { return nil }
            residuals[r] = stored
            maxNorm = max(maxNorm, xNorm2.squareRoot())
        }
        self.init(basis: basis, rowCount: rowCount, normalized: normalize, projections: projections,
                  residualNorms: residuals, projectionError: worstError * (1 + 1e-6), maxRowNorm: maxNorm * (1 + 1e-9),
                  kernel: kernel)
    }

    /// Rebuilds the index from its stored parts (``ProjectedRows/serialized()``).
    init(basis: ProjectionBasis, rowCount: Int, normalized: Bool, projections: [Float], residualNorms: [Float],
         projectionError: Double, maxRowNorm: Double, kernel: KernelSelection = .current) {
        precondition(projections.count == rowCount * basis.rank && residualNorms.count == rowCount, "projected rows shape")
        self.basis = basis
        self.rowCount = rowCount
        self.normalized = normalized
        self.projections = projections
        self.residualNorms = residualNorms
        self.projectionError = projectionError
        self.maxRowNorm = maxRowNorm
        basisDoubles = basis.vectors.map(Double.init)
        gram = Self.gram(basisDoubles, rank: basis.rank, dimension: basis.dimension)
        var maxY = 0.0
        for r in 0..<rowCount {
            var s = 0.0
            for k in 0..<basis.rank { s += Double(projections[r * basis.rank + k]) * Double(projections[r * basis.rank + k]) }
            maxY = max(maxY, s)
        }
        maxProjectedNorm = maxY.squareRoot() * (1 + 1e-9)
        codes = projections.withUnsafeBufferPointer {
            QuantizedRows(rows: $0.baseAddress!, rowCount: rowCount, dimension: basis.rank, normalize: false,
                          kernel: kernel, residualNorms: residualNorms.map(Double.init))
        }
    }

    /// A relative allowance for the rounding of the double sums behind `‖r‖`, `π`, `‖q⊥‖` and
    /// `P q`: twice the worst case `(n·2⁻⁵³)·(3 + 2√m)` of an `n = d + m`-term sum whose terms
    /// were themselves rounded sums (≈ 3·10⁻¹² for 768 × 64: far below every bound it widens).
    static func roundingShare(dimension d: Int, rank m: Int) -> Double {
        2 * Double(d + m + 16) * 0x1p-53 * (3 + 2 * Double(m).squareRoot())
    }

    static func gram(_ p: [Double], rank m: Int, dimension d: Int) -> [Double] {
        var g = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in i..<m {
                let v = ProjectionBasis.dot(p, i * d, p, j * d, d)
                g[i * m + j] = v
                g[j * m + i] = v
            }
        }
        return g
    }

    /// Bytes held in memory for scanning (codes plus float coordinates and residuals).
    public var memoryBytes: Int { codes.codeBytes + projections.count * 4 + residualNorms.count * 4 }

    /// The rows that can be among the `k` highest-scoring rows for `query` (already normalised
    /// when ``normalized``), best bound first, as ``QuantizedRows/candidates(query:k:allowed:residualScale:slack:)``
    /// returns them: bounds hold for a float32 re-score of the original rows.
    public func candidates(query: UnsafeBufferPointer<Float>, k: Int, allowed: [Bool]? = nil) -> CandidateQueue {
        let d = dimension, m = rank
        precondition(query.count == d, "query has \(query.count) components, rows have \(d)")
        let q = query.map(Double.init)
        let qNorm2 = ProjectionBasis.dot(q, 0, q, 0, d)
        var a = [Double](repeating: 0, count: m)
        for k in 0..<m { a[k] = ProjectionBasis.dot(basisDoubles, k * d, q, 0, d) }
        let af = a.map { Float($0) }
        var ga = [Double](repeating: 0, count: m)
        for k in 0..<m { ga[k] = ProjectionBasis.dot(gram, k * m, a, 0, m) }
        let aNorm2 = ProjectionBasis.dot(a, 0, a, 0, m)
        // ‖q⊥‖² = ‖q‖² − 2 a·(Pq) + aᵀGa, with Pq = a up to double rounding.
        let perp2 = qNorm2 - 2 * aNorm2 + ProjectionBasis.dot(a, 0, ga, 0, m)
        let rounding = Self.roundingShare(dimension: d, rank: m)
        let perp = (max(perp2, 0) + rounding * (qNorm2 + aNorm2)).squareRoot() * (1 + 1e-9)
        var rounding2 = 0.0
        for k in 0..<m { rounding2 += (a[k] - Double(af[k])) * (a[k] - Double(af[k])) }
        let qNorm = qNorm2.squareRoot()
        // The codes bound a_f·y; a·y differs by ≤ ‖a − a_f‖·‖y‖; a·(Pr) by ≤ ‖a‖·π; and the caller
        // re-scores the original `dimension`-component rows in float32 (and takes `1 − score`).
        let magnitude = qNorm * maxRowNorm
        let rescoring = 4 * Double(d + 16) * 0x1p-24 * magnitude + 1e-9 + 4 * 0x1p-24 * (1 + magnitude)
        let slack = (rounding2.squareRoot() + rounding * qNorm) * maxProjectedNorm + aNorm2.squareRoot() * projectionError
            + rescoring
        guard perp.isFinite, slack.isFinite, af.allSatisfy(\.isFinite), magnitude < QuantizedRows.floatScoreLimit else {
            let all = (0..<rowCount).filter { allowed?[$0] ?? true }
            return CandidateQueue(keys: all.map { QuantizedRows.sortKey(upper: .infinity, row: $0) }, threshold: -.infinity)
        }
        return af.withUnsafeBufferPointer {
            codes.candidates(query: $0, k: k, allowed: allowed, residualScale: perp, slack: slack)
        }
    }

    /// Fits a basis to `rows` and keeps the index only if its bounds prune: for `probes` sample
    /// rows used as queries, the mean number of top-`k` candidates must stay within `maxShare`
    /// of the rows. Nil when the rows are not low-rank enough (uniform random data, say) or not
    /// finite: the caller then uses another index.
    public static func build(rows: UnsafePointer<Float>, rowCount: Int, dimension: Int, normalize: Bool,
                             maxRank: Int = 128, probes: Int = 16, k: Int = 10, maxShare: Double = 1.0 / 16,
                             seed: UInt64 = 0x5EED) -> ProjectedRows? {
        guard rowCount > 0,
              let basis = ProjectionBasis.fit(rows: rows, rowCount: rowCount, dimension: dimension, normalize: normalize,
                                              maxRank: min(maxRank, max(1, dimension / 4)), seed: seed),
              let index = ProjectedRows(rows: rows, rowCount: rowCount, basis: basis, normalize: normalize)
        else { return nil }
        return index.meanCandidates(rows: rows, probes: probes, k: k, seed: seed) <= maxShare * Double(rowCount) + Double(k)
            ? index : nil
    }

    /// Mean candidate count over `probes` rows (spread evenly) used as queries.
    public func meanCandidates(rows: UnsafePointer<Float>, probes: Int, k: Int, seed: UInt64) -> Double {
        let n = min(probes, rowCount)
        guard n > 0 else { return 0 }
        var total = 0
        var rng = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<n {
            let r = Int(rng.next() % UInt64(rowCount))
            var query = Array(UnsafeBufferPointer(start: rows + r * dimension, count: dimension))
            if normalized { VectorMath.normalize(&query) }
            var queue = query.withUnsafeBufferPointer { candidates(query: $0, k: k) }
            while queue.next() != nil { total += 1 }
        }
        return Double(total) / Double(n)
    }
}
