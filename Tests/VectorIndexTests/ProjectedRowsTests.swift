import Testing
@testable import VectorIndex

/// The projection index is used as an exact search: like the quantised scan it must never drop a
/// row of the full-precision top k, whatever the basis, the data or the filter; and its file must
/// detect damage.
@Suite struct ProjectedRowsTests {
    static func index(_ rows: [Float], dimension: Int, metric: IndexMetric, maxRank: Int) throws -> ProjectedRows {
        let basis = try #require(rows.withUnsafeBufferPointer {
            ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: rows.count / dimension, dimension: dimension,
                                normalize: metric.normalizes, maxRank: maxRank)
        })
        return try #require(rows.withUnsafeBufferPointer {
            ProjectedRows(rows: $0.baseAddress!, rowCount: rows.count / dimension, basis: basis, normalize: metric.normalizes)
        })
    }

    static func check(_ rows: [Float], dimension: Int, metric: IndexMetric, maxRank: Int, queries: [[Float]],
                      allowed: [Bool]? = nil) throws -> (ok: Bool, meanCandidates: Double) {
        let index = try Self.index(rows, dimension: dimension, metric: metric, maxRank: maxRank)
        return QuantizedRowsTests.checkCertified(rows: rows, dimension: dimension, queries: queries, metric: metric, k: 10,
                                                 allowed: allowed) { index.candidates(query: $0, k: 10, allowed: allowed) }
    }

    @Test func basisIsOrthonormalAndFindsTheLatentSubspace() throws {
        let dim = 96
        let rows = TestData.latentRows(count: 2_000, dimension: dim, latent: 8, noise: 0.05, seed: 1)
        let basis = try #require(rows.withUnsafeBufferPointer {
            ProjectionBasis.fit(rows: $0.baseAddress!, rowCount: 2_000, dimension: dim, normalize: true, maxRank: 24)
        })
        #expect(basis.rank == 24)  // step is min(32, maxRank): the whole budget
        #expect(basis.residualEnergy < 0.01, "residual \(basis.residualEnergy)")
        for i in 0..<basis.rank {
            for j in 0..<basis.rank {
                var dot = 0.0
                for c in 0..<dim { dot += Double(basis.vectors[i * dim + c]) * Double(basis.vectors[j * dim + c]) }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-5, "basis[\(i)]·basis[\(j)] = \(dot)")
            }
        }
    }

    @Test func jacobiFindsEigenpairs() {
        let n = 9
        var rng = SplitMix64(seed: 3)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let v = Double.random(in: -1...1, using: &rng); a[i * n + j] = v; a[j * n + i] = v } }
        let (values, vectors) = SymmetricEigen.decompose(a, size: n)
        for k in 0..<n {
            for i in 0..<n {
                var av = 0.0
                for j in 0..<n { av += a[i * n + j] * vectors[j * n + k] }
                #expect(abs(av - values[k] * vectors[i * n + k]) < 1e-9)
            }
        }
    }

    @Test(arguments: [IndexMetric.cosine, .innerProduct])
    func neverDropsATopKRowOnLowRankData(metric: IndexMetric) throws {
        let dim = 100
        let rows = TestData.latentRows(count: 3_000, dimension: dim, latent: 10, noise: 0.05, seed: 41)
        let queries = (0..<25).map { TestData.row(TestData.latentRows(count: 25, dimension: dim, latent: 10, noise: 0.05, seed: 42), $0, dim) }
        let plain = try Self.check(rows, dimension: dim, metric: metric, maxRank: 25, queries: queries)
        #expect(plain.ok)
        #expect(plain.meanCandidates < 150, "\(plain.meanCandidates) candidates")
        let filtered = try Self.check(rows, dimension: dim, metric: metric, maxRank: 25, queries: queries,
                                      allowed: (0..<3_000).map { $0 % 3 == 0 })
        #expect(filtered.ok)
    }

    @Test func staysExactWhenTheBasisMissesMostEnergy() throws {
        // Full-rank data and a basis of 8 of 64 directions: loose bounds, many candidates, no misses.
        let dim = 64
        let rows = TestData.gaussianRows(count: 1_500, dimension: dim, seed: 5)
        let queries = (0..<10).map { TestData.row(TestData.gaussianRows(count: 10, dimension: dim, seed: 6), $0, dim) }
        for metric in [IndexMetric.cosine, .innerProduct] {
            #expect(try Self.check(rows, dimension: dim, metric: metric, maxRank: 8, queries: queries).ok)
        }
        // And `build` refuses such rows (their bounds do not prune).
        #expect(rows.withUnsafeBufferPointer {
            ProjectedRows.build(rows: $0.baseAddress!, rowCount: 1_500, dimension: dim, normalize: true)
        } == nil)
    }

    @Test func adversarialShapes() throws {
        let dim = 48
        var rows = TestData.latentRows(count: 800, dimension: dim, latent: 4, noise: 0.01, seed: 8)
        // Exact duplicates, a zero row, rows one bit apart, and a row far larger than the rest.
        for c in 0..<dim {
            rows[10 * dim + c] = rows[11 * dim + c]
            rows[12 * dim + c] = rows[11 * dim + c]
            rows[20 * dim + c] = 0
            rows[31 * dim + c] = Float(bitPattern: rows[30 * dim + c].bitPattern ^ 1)
            rows[40 * dim + c] *= 1e6
        }
        let queries = [TestData.row(rows, 11, dim), TestData.row(rows, 30, dim), TestData.row(rows, 40, dim),
                       TestData.row(rows, 5, dim).map { $0 * 1e-20 }]
        for metric in [IndexMetric.cosine, .innerProduct] {
            let result = try Self.check(rows, dimension: dim, metric: metric, maxRank: 12, queries: queries)
            #expect(result.ok, "\(metric)")
        }
        // Rows that do not fit a float after projection are refused, not mis-bounded.
        var huge = rows
        for c in 0..<dim { huge[dim + c] = 3e38 }
        #expect(huge.withUnsafeBufferPointer {
            ProjectedRows.build(rows: $0.baseAddress!, rowCount: 800, dimension: dim, normalize: false)
        } == nil)
    }

    @Test func fileRoundTripsAndDetectsEveryDamage() throws {
        let dim = 32
        let rows = TestData.latentRows(count: 60, dimension: dim, latent: 3, noise: 0.01, seed: 2)
        let index = try Self.index(rows, dimension: dim, metric: .cosine, maxRank: 8)
        let bytes = index.serialized()
        #expect(ProjectedRows.hasMagic(bytes))
        let back = try ProjectedRows(serialized: bytes)
        #expect(back.projections == index.projections && back.residualNorms == index.residualNorms)
        #expect(back.basis == index.basis && back.normalized && back.rowCount == 60)
        let query = TestData.normalized(TestData.row(rows, 7, dim))
        let a = Array(query.withUnsafeBufferPointer { index.candidates(query: $0, k: 5) })
        let b = Array(query.withUnsafeBufferPointer { back.candidates(query: $0, k: 5) })
        #expect(a.map(\.row) == b.map(\.row) && a.first?.row == 7)
        for offset in bytes.indices {
            var damaged = bytes
            damaged[offset] ^= 0x10
            #expect(throws: VectorIndexError.self, "flip at \(offset)") { try ProjectedRows(serialized: damaged) }
        }
        #expect(throws: VectorIndexError.self) { try ProjectedRows(serialized: Array(bytes.dropLast(5))) }
        // A newer version with a valid checksum is a typed version error, not a crash.
        var newer = Array(bytes[0..<(bytes.count - IndexFileFooter.size)])
        newer[8] = 2
        var w = ByteWriter()
        w.bytes = newer
        IndexFileFooter.append(to: &w, tag: ProjectedRows.footerMagic)
        #expect {
            try ProjectedRows(serialized: w.bytes)
        } throws: { ($0 as? VectorIndexError)?.code == .formatVersion }
    }
}
