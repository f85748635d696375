import Testing
@testable import VectorIndex

/// Adversarial inputs for ``ProjectedRows``: every test compares the candidates against a
/// brute-force reference (Double scores, and float32 scores for the bound check) and asserts the
/// contract: every row scoring at least the exact k-th admitted score is a candidate, no row's
/// score exceeds its bound, bounds come in non-increasing order, and only admitted rows appear.
@Suite struct ProjectedRowsAdversarialTests {
    // MARK: - Reference

    /// `rows[r]` as the index scores it: normalised in Double (then rounded to float) when `normalize`.
    static func prepared(_ rows: [Float], _ r: Int, _ d: Int, normalize: Bool) -> [Float] {
        let x = TestData.row(rows, r, d)
        return normalize ? TestData.normalized(x) : x
    }

    /// The violations of the contract for one query (empty when the candidates are exact).
    static func problems(_ index: ProjectedRows, rows: [Float], query: [Float], k: Int, allowed: [Bool]? = nil,
                         normalizeQuery: Bool? = nil) -> [String] {
        let d = index.dimension, n = rows.count / d
        let q = (normalizeQuery ?? index.normalized) ? TestData.normalized(query) : query
        var exact = [Double](repeating: 0, count: n)
        var single = [Float](repeating: 0, count: n)
        for r in 0..<n {
            let x = prepared(rows, r, d, normalize: index.normalized)
            var sd = 0.0
            var sf: Float = 0
            for i in 0..<d {
                sd += Double(q[i]) * Double(x[i])
                sf += q[i] * x[i]
            }
            exact[r] = sd
            single[r] = sf
        }
        let admitted = (0..<n).filter { allowed?[$0] ?? true }
        let kth = admitted.map { exact[$0] }.sorted(by: >).dropFirst(max(k, 1) - 1).first ?? -.infinity
        let must = k > 0 ? admitted.filter { exact[$0] >= kth - 1e-9 * max(1, abs(kth)) } : []
        let list = Array(q.withUnsafeBufferPointer { index.candidates(query: $0, k: k, allowed: allowed) })
        var out: [String] = []
        let got = Set(list.map { Int($0.row) })
        if got.count != list.count { out.append("a row is handed out twice") }
        for r in must where !got.contains(r) {
            out.append("row \(r) (score \(exact[r]), k-th \(kth)) is not a candidate")
        }
        for c in list {
            let r = Int(c.row)
            guard r >= 0, r < n else { out.append("row \(r) out of range"); continue }
            if !(allowed?[r] ?? true) { out.append("row \(r) is not admitted") }
            if exact[r] > c.scoreBound + 1e-12 * max(1, abs(c.scoreBound)) || Double(single[r]) > c.scoreBound {
                out.append("row \(r): score \(exact[r]) (float32 \(single[r])) exceeds its bound \(c.scoreBound)")
            }
        }
        for (a, b) in zip(list, list.dropFirst()) where a.scoreBound < b.scoreBound {
            out.append("bounds out of order: \(a) before \(b)")
        }
        return out
    }

    static func axisBasis(dimension d: Int, axes: [Int]) -> ProjectionBasis {
        var v = [Float](repeating: 0, count: axes.count * d)
        for (k, a) in axes.enumerated() { v[k * d + a] = 1 }
        return ProjectionBasis(dimension: d, rank: axes.count, vectors: v, residualEnergy: 0)
    }

    static func index(_ rows: [Float], dimension d: Int, basis: ProjectionBasis, normalize: Bool) throws -> ProjectedRows {
        try #require(rows.withUnsafeBufferPointer {
            ProjectedRows(rows: $0.baseAddress!, rowCount: rows.count / d, basis: basis, normalize: normalize)
        })
    }

    static func fitted(_ rows: [Float], dimension d: Int, normalize: Bool, maxRank: Int) throws -> ProjectedRows {
        let basis = try #require(rows.withUnsafeBufferPointer {
            ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: rows.count / d, dimension: d, normalize: normalize,
                                maxRank: maxRank)
        })
        return try index(rows, dimension: d, basis: basis, normalize: normalize)
    }

    // MARK: - Failures: rows that share their float projection but not their residual

    /// `QuantizedRows` codes bit-identical rows once and keeps the *representative's* per-row
    /// terms (its doc: "identical rows must have identical terms"), but `ProjectedRows` hands it the
    /// projections `y`, which can be bit-identical for rows whose residuals `‖x − Pᵀy‖` differ.
    @Test func innerProductRowsWithTheSameProjectionButDifferentResiduals() throws {
        let d = 8
        // Basis: the first two axes. Row 1 equals row 0 inside the subspace and has 5 outside it.
        var rows = [Float](repeating: 0, count: 3 * d)
        rows[0] = 1                      // row 0: e0
        rows[d] = 1; rows[d + 7] = 5     // row 1: e0 + 5·e7  (same y as row 0, ‖r‖ = 5)
        rows[2 * d] = 2                  // row 2: 2·e0
        let index = try Self.index(rows, dimension: d, basis: Self.axisBasis(dimension: d, axes: [0, 1]), normalize: false)
        #expect(index.projections[0..<2] == index.projections[2..<4])
        #expect(index.residualNorms[0] < 1e-3 && index.residualNorms[1] >= 5)
        var query = [Float](repeating: 0, count: d)
        query[0] = 0.1; query[7] = 1     // scores 0.1, 5.1, 0.2: the top 1 is row 1
        let found = Self.problems(index, rows: rows, query: query, k: 1)
        #expect(found.isEmpty, "\(found)")
    }

    @Test func cosineZeroRowSharesItsProjectionWithARowOrthogonalToTheBasis() throws {
        let d = 8
        var rows = [Float](repeating: 0, count: 3 * d)
        // row 0: zero (y = 0, ‖r‖ = 0); row 1: e7 (y = 0 too, ‖r‖ = 1); row 2: e0.
        rows[d + 7] = 1
        rows[2 * d] = 1
        let index = try Self.index(rows, dimension: d, basis: Self.axisBasis(dimension: d, axes: [0, 1]), normalize: true)
        var query = [Float](repeating: 0, count: d)
        query[0] = 0.6; query[7] = 0.8   // cosines 0, 0.8, 0.6: the top 1 is row 1
        let found = Self.problems(index, rows: rows, query: query, k: 1)
        #expect(found.isEmpty, "\(found)")
    }

    /// The same with a *fitted* basis: fitted on rows that live in 4 of 16 axes, its vectors have
    /// exact zeros elsewhere, so rows that differ from another only outside those axes project to
    /// bit-identical coordinates (in the store: rows outside the 8,192-row sample of a segment).
    @Test func fittedBasisAppliedToRowsThatDifferOnlyOutsideIt() throws {
        let d = 16
        var rng = SplitMix64(seed: 77)
        var clean = [Float](repeating: 0, count: 400 * d)
        for r in 0..<400 { for c in 0..<4 { clean[r * d + c] = Float.random(in: -1...1, using: &rng) } }
        let basis = try #require(clean.withUnsafeBufferPointer {
            ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: 400, dimension: d, normalize: false, maxRank: 4)
        })
        #expect(basis.rank == 4)
        #expect((0..<4).allSatisfy { k in (4..<d).allSatisfy { basis.vectors[k * d + $0] == 0 } })
        // New rows: the clean rows, and row 400 = row 0 plus 3 in component 15.
        var rows = clean
        rows += TestData.row(clean, 0, d)
        rows[400 * d + 15] = 3
        let index = try Self.index(rows, dimension: d, basis: basis, normalize: false)
        var query = TestData.row(clean, 0, d).map { $0 * 0.1 }
        query[15] = 1
        for k in [1, 10] {
            let found = Self.problems(index, rows: rows, query: query, k: k)
            #expect(found.isEmpty, "k \(k): \(found)")
        }
    }

    /// No exact zeros needed: with a basis fitted to ordinary low-rank data (dense vectors),
    /// adding a vector orthogonal to the basis to a row often leaves its float coordinates
    /// bit-identical (‖P w‖ is at the float-rounding level of the basis), so the two rows are
    /// coded as duplicates and the copy inherits the original's residual.
    @Test func denseFittedBasisRowPlusOrthogonalVectorCollides() throws {
        let d = 64
        let rows = TestData.latentRows(count: 500, dimension: d, latent: 4, noise: 0, seed: 31)
        let basis = try #require(rows.withUnsafeBufferPointer {
            ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: 500, dimension: d, normalize: false, maxRank: 4)
        })
        #expect(basis.rank == 4 && basis.residualEnergy < 1e-6)
        // Find, deterministically, a unit vector w ⟂ basis with Float(P(x₀ + 2w)) == Float(P x₀).
        func project(_ x: [Float]) -> [Float] {
            (0..<4).map { k in Float((0..<d).reduce(0.0) { $0 + Double(basis.vectors[k * d + $1]) * Double(x[$1]) }) }
        }
        let x0 = TestData.row(rows, 0, d)
        var copy: [Float]?
        for seed in 0..<200 where copy == nil {
            let w = Self.orthogonalQuery(basis, seed: UInt64(seed))
            let norm = w.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let candidate = zip(x0, w).map { $0 + Float(2 * Double($1) / norm) }
            if project(candidate) == project(x0) { copy = candidate }
        }
        let extra = try #require(copy, "no colliding row found")
        let all = rows + extra  // row 500 = row 0 + 2·w
        let index = try Self.index(all, dimension: d, basis: basis, normalize: false)
        #expect(index.projections[0..<4] == index.projections[2_000..<2_004])
        // Query: mostly w (row 500 scores ≈ 2 + x₀·q, the best), a little of row 0.
        let q = zip(extra, x0).map { ($0 - $1) / 2 + 0.05 * $1 }
        let found = Self.problems(index, rows: all, query: q, k: 1)
        #expect(found.isEmpty, "\(found)")
    }

    // MARK: - Failure: float32 scores that overflow

    /// The contract is on the caller's float32 score. Rows and query whose products overflow float
    /// (while ‖x‖² and the coordinates do not) all score +inf in float32, a tie at the k-th score,
    /// but the Double bounds prune all but one of them. (Listed in ascending order, the same rows
    /// all come back: each survivor's bound rounds up to +inf in the queue, which then never drops
    /// it, so the result depends on the row order.)
    @Test func innerProductScoresThatOverflowFloat() throws {
        let d = 8
        // Rows (t, t, 0, …)·1e18 for t = 12…2 (‖x‖² ≤ 2.9e38 is finite in float); the query is
        // (1e20, 1e20, 0, …): q·x = t·2e38 > Float.greatestFiniteMagnitude for every row.
        var rows: [Float] = []
        for t in (2...12).reversed() { rows += [Float(t) * 1e18, Float(t) * 1e18] + [Float](repeating: 0, count: d - 2) }
        let n = rows.count / d
        let index = try Self.index(rows, dimension: d, basis: Self.axisBasis(dimension: d, axes: [0, 1]), normalize: false)
        let query = [1e20, 1e20] + [Float](repeating: 0, count: d - 2)
        var single: [Float] = []
        for r in 0..<n {
            var s: Float = 0
            for i in 0..<d { s += query[i] * rows[r * d + i] }
            single.append(s)
        }
        #expect(single.allSatisfy { $0 == .infinity })
        let list = Array(query.withUnsafeBufferPointer { index.candidates(query: $0, k: 1) })
        // Every row ties at +inf in float32: each is in the float32 top 1.
        #expect(Set(list.map(\.row)) == Set((0..<n).map(Int32.init)), "\(list)")
    }

    // MARK: - Regression: shapes, masks, k, queries, magnitudes, bases (all exact today)

    /// A query with no component in the basis's span (up to float rounding).
    static func orthogonalQuery(_ basis: ProjectionBasis, seed: UInt64) -> [Float] {
        let d = basis.dimension
        var rng = SplitMix64(seed: seed)
        var q = (0..<d).map { _ in Double.random(in: -1...1, using: &rng) }
        for k in 0..<basis.rank {
            var a = 0.0
            for i in 0..<d { a += Double(basis.vectors[k * d + i]) * q[i] }
            for i in 0..<d { q[i] -= a * Double(basis.vectors[k * d + i]) }
        }
        return q.map { Float($0) }
    }

    @Test func tinyAndOddDimensionsEveryRankMaskAndK() throws {
        var failures: [String] = []
        for d in [1, 2, 3, 4, 5, 31, 32, 33] {
            let n = 120
            let rows = d >= 4 ? TestData.latentRows(count: n, dimension: d, latent: max(1, d / 4), noise: 0.05, seed: UInt64(d))
                : TestData.gaussianRows(count: n, dimension: d, seed: UInt64(d))
            for rank in Set([1, max(1, d / 2), d]).sorted() {
                for normalize in [true, false] {
                    // `fit` keeps a multiple of 32 when it can (rank 32 of 33), so full rank also
                    // gets the identity basis.
                    let fittedIndex = try Self.fitted(rows, dimension: d, normalize: normalize, maxRank: rank)
                    #expect(fittedIndex.rank <= rank)
                    let index = rank == d && fittedIndex.rank < d
                        ? try Self.index(rows, dimension: d, basis: Self.axisBasis(dimension: d, axes: Array(0..<d)), normalize: normalize)
                        : fittedIndex
                    let far = TestData.row(rows, 3, d).map { $0 * 1e6 }
                    let queries = [TestData.row(rows, 7, d), TestData.gaussianRows(count: 1, dimension: d, seed: 99),
                                   [Float](repeating: 0, count: d), Self.orthogonalQuery(index.basis, seed: 5), far]
                    let masks: [[Bool]?] = [nil, [Bool](repeating: false, count: n), (0..<n).map { $0 % 7 == 0 },
                                            (0..<n).map { $0 == 50 }]
                    for (qi, q) in queries.enumerated() {
                        for mask in masks {
                            for k in [1, 3, n, n + 5] {
                                let found = Self.problems(index, rows: rows, query: q, k: k, allowed: mask)
                                if !found.isEmpty {
                                    failures.append("d \(d) rank \(rank) normalize \(normalize) query \(qi) k \(k): \(found[0])")
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures; first: \(failures.prefix(3))")
    }

    @Test func identicalRowsAndManyTiesAtTheKthScore() throws {
        let d = 40
        // 300 identical rows: all tie, so all are in the top 10.
        let one = TestData.row(TestData.latentRows(count: 1, dimension: d, latent: 3, noise: 0.1, seed: 4), 0, d)
        let same = (0..<300).flatMap { _ in one }
        // 6 distinct rows × 50 copies, interleaved: the 10th score is tied by 50 rows.
        let six = TestData.latentRows(count: 6, dimension: d, latent: 3, noise: 0.1, seed: 5)
        let tied = (0..<300).flatMap { TestData.row(six, $0 % 6, d) }
        for rows in [same, tied] {
            for normalize in [true, false] {
                let index = try Self.fitted(rows, dimension: d, normalize: normalize, maxRank: 8)
                for q in [one, TestData.row(six, 2, d), TestData.gaussianRows(count: 1, dimension: d, seed: 6)] {
                    for k in [1, 10, 60] {
                        let found = Self.problems(index, rows: rows, query: q, k: k)
                        #expect(found.isEmpty, "normalize \(normalize) k \(k): \(found.prefix(3))")
                        let mask = (0..<300).map { $0 % 4 == 1 }
                        let filtered = Self.problems(index, rows: rows, query: q, k: k, allowed: mask)
                        #expect(filtered.isEmpty, "filtered, normalize \(normalize) k \(k): \(filtered.prefix(3))")
                    }
                }
                let all = Array(one.withUnsafeBufferPointer { index.candidates(query: $0, k: 10) })
                if rows == same { #expect(all.count == 300) }
            }
        }
    }

    /// Inner product (no normalisation) across magnitudes: subnormal, tiny, huge rows and queries,
    /// and a mix of scales inside one index.
    @Test func innerProductAcrossMagnitudes() throws {
        let d = 24
        let base = TestData.latentRows(count: 300, dimension: d, latent: 4, noise: 0.02, seed: 12)
        let basis = try #require(base.withUnsafeBufferPointer {
            ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: 300, dimension: d, normalize: false, maxRank: 6)
        })
        var failures: [String] = []
        for rowScale: Float in [Float.leastNormalMagnitude / 128, 1e-30, 1e-12, 1, 1e12, 1e17] {
            var rows = base.map { $0 * rowScale }
            // A few rows 10⁶ larger and 10⁻⁶ smaller than the rest.
            for c in 0..<d { rows[5 * d + c] *= 1e6; rows[6 * d + c] *= 1e-6 }
            // `fit` itself returns nil when the rows' float32 squares underflow or overflow (the
            // store then builds HNSW), so the basis comes from the unscaled rows.
            guard let index = rows.withUnsafeBufferPointer({
                ProjectedRows(rows: $0.baseAddress!, rowCount: 300, basis: basis, normalize: false)
            }) else {
                failures.append("scale \(rowScale): no index")
                continue
            }
            for queryScale: Float in [1e-38, 1e-20, 1e-6, 1, 1e6, 1e20] {
                for qi in [5, 6, 40] {
                    let q = TestData.row(base, qi, d).map { $0 * queryScale }
                    for k in [1, 10] {
                        let found = Self.problems(index, rows: rows, query: q, k: k)
                        if !found.isEmpty { failures.append("rows ×\(rowScale) query ×\(queryScale) row \(qi) k \(k): \(found[0])") }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(3))")
    }

    /// "Any P keeps the search exact": bases fitted to other data, random non-orthonormal ones,
    /// scaled ones, nearly dependent ones and one with a zero vector.
    @Test func foreignAndNonOrthonormalBases() throws {
        let d = 48, n = 400
        let rows = TestData.latentRows(count: n, dimension: d, latent: 6, noise: 0.05, seed: 21)
        let other = TestData.latentRows(count: n, dimension: d, latent: 6, noise: 0.05, seed: 22)
        let gaussian = TestData.gaussianRows(count: n, dimension: d, seed: 23)
        var bases: [(String, ProjectionBasis)] = []
        for (name, source) in [("other latent", other), ("gaussian", gaussian)] {
            let b = try #require(source.withUnsafeBufferPointer {
                ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: n, dimension: d, normalize: true, maxRank: 12)
            })
            bases.append((name, b))
        }
        let random = TestData.gaussianRows(count: 8, dimension: d, seed: 24)
        bases.append(("random unnormalised", ProjectionBasis(dimension: d, rank: 8, vectors: random, residualEnergy: 0)))
        bases.append(("random ×1e3", ProjectionBasis(dimension: d, rank: 8, vectors: random.map { $0 * 1e3 }, residualEnergy: 0)))
        bases.append(("random ×1e-3", ProjectionBasis(dimension: d, rank: 8, vectors: random.map { $0 * 1e-3 }, residualEnergy: 0)))
        var dependent = Array(random[0..<(2 * d)])
        for i in 0..<d { dependent[d + i] = dependent[i] + 1e-6 * dependent[d + i] }
        bases.append(("nearly dependent", ProjectionBasis(dimension: d, rank: 2, vectors: dependent, residualEnergy: 0)))
        var withZero = random
        for i in 0..<d { withZero[3 * d + i] = 0 }
        bases.append(("zero vector", ProjectionBasis(dimension: d, rank: 8, vectors: withZero, residualEnergy: 0)))
        var failures: [String] = []
        for (name, basis) in bases {
            for normalize in [true, false] {
                let index = try Self.index(rows, dimension: d, basis: basis, normalize: normalize)
                for qi in [0, 17, 301] {
                    for k in [1, 10] {
                        let found = Self.problems(index, rows: rows, query: TestData.row(rows, qi, d), k: k)
                        if !found.isEmpty { failures.append("\(name) normalize \(normalize) row \(qi) k \(k): \(found[0])") }
                    }
                }
                let q = TestData.row(gaussian, 0, d)
                let found = Self.problems(index, rows: rows, query: q, k: 5, allowed: (0..<n).map { $0 % 2 == 0 })
                if !found.isEmpty { failures.append("\(name) normalize \(normalize) gaussian query: \(found[0])") }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(3))")
    }

    @Test func emptyIndexRoundTripsAndHasNoCandidates() throws {
        let d = 20
        let basis = Self.axisBasis(dimension: d, axes: [0, 3, 7])
        let index = try Self.index([], dimension: d, basis: basis, normalize: true)
        #expect(index.rowCount == 0)
        let q = [Float](repeating: 1, count: d)
        #expect(Array(q.withUnsafeBufferPointer { index.candidates(query: $0, k: 10) }).isEmpty)
        let back = try ProjectedRows(serialized: index.serialized())
        #expect(back.rowCount == 0 && back.rank == 3 && back.normalized)
        #expect(Array(q.withUnsafeBufferPointer { back.candidates(query: $0, k: 10, allowed: []) }).isEmpty)
    }
}
