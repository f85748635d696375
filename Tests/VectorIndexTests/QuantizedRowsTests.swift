import Testing
import VectorKernels
import VectorKernelsAVX2
@testable import VectorIndex

/// The quantised scan must never drop a row of the full-precision top k (it is used as an exact
/// search), on every metric, with filters and ties, with either compiled kernel.
@Suite struct QuantizedRowsTests {
    static let kernels = KernelSelection.allCases.filter { KernelSelection.isSupported($0) }

    /// Rows scored by the reference (Double arithmetic), higher is better, for `metric`.
    static func scores(_ query: [Float], rows: [Float], dimension: Int, metric: IndexMetric) -> [Double] {
        let q = metric.normalizes ? TestData.normalized(query) : query
        return (0..<(rows.count / dimension)).map { r in
            var v = TestData.row(rows, r, dimension)
            if metric.normalizes { v = TestData.normalized(v) }
            switch metric {
            case .cosine, .innerProduct:
                return zip(q, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            case .l2:
                return -zip(q, v).reduce(0.0) { let d = Double($1.0) - Double($1.1); return $0 + d * d }
            }
        }
    }

    static func coded(_ rows: [Float], dimension: Int, metric: IndexMetric, kernel: KernelSelection) -> QuantizedRows {
        rows.withUnsafeBufferPointer {
            QuantizedRows(rows: $0.baseAddress!, rowCount: rows.count / dimension, dimension: dimension,
                          normalize: metric.normalizes, ranking: metric == .l2 ? .negativeHalfSquaredL2 : .dot, kernel: kernel)
        }
    }

    static func candidates(_ codes: QuantizedRows, _ query: [Float], metric: IndexMetric, k: Int, allowed: [Bool]? = nil) -> Set<Int32> {
        let q = metric.normalizes ? TestData.normalized(query) : query
        return Set(q.withUnsafeBufferPointer { codes.candidates(query: $0, k: k, allowed: allowed) }.map(\.row))
    }

    /// Every row scoring at least the k-th best admitted score must be a candidate.
    static func checkCertified(rows: [Float], dimension: Int, queries: [[Float]], metric: IndexMetric, k: Int,
                               allowed: [Bool]?, kernel: KernelSelection) -> (ok: Bool, meanCandidates: Double) {
        let codes = coded(rows, dimension: dimension, metric: metric, kernel: kernel)
        return checkCertified(rows: rows, dimension: dimension, queries: queries, metric: metric, k: k, allowed: allowed) {
            codes.candidates(query: $0, k: k, allowed: allowed)
        }
    }

    /// The same check for any candidate source (``ProjectedRows`` too).
    static func checkCertified(rows: [Float], dimension: Int, queries: [[Float]], metric: IndexMetric, k: Int, allowed: [Bool]?,
                               candidates: (UnsafeBufferPointer<Float>) -> CandidateQueue) -> (ok: Bool, meanCandidates: Double) {
        var ok = true
        var total = 0
        for query in queries {
            let s = scores(query, rows: rows, dimension: dimension, metric: metric)
            let admitted = s.indices.filter { allowed?[$0] ?? true }
            let kth = admitted.map { s[$0] }.sorted(by: >).dropFirst(k - 1).first ?? -.infinity
            let must = admitted.filter { s[$0] >= kth - 1e-9 }
            let q = metric.normalizes ? TestData.normalized(query) : query
            let list = Array(q.withUnsafeBufferPointer { candidates($0) })
            let got = Set(list.map(\.row))
            total += got.count
            if !must.allSatisfy({ got.contains(Int32($0)) }) { ok = false }
            // Bounds hold (L2 scores are −‖q − x‖², the bound is on q·x − ‖x‖²/2) and come best first.
            let qq = q.reduce(0.0) { $0 + Double($1) * Double($1) }
            for c in list {
                let score = metric == .l2 ? (s[Int(c.row)] - qq) / 2 : s[Int(c.row)]
                if score > c.scoreBound + 1e-12 { ok = false }
            }
            if zip(list, list.dropFirst()).contains(where: { $0.scoreBound < $1.scoreBound }) { ok = false }
            if got.contains(where: { !(allowed?[Int($0)] ?? true) }) { ok = false }
        }
        return (ok, Double(total) / Double(queries.count))
    }

    @Test(arguments: [IndexMetric.cosine, .innerProduct, .l2])
    func neverDropsATopKRowAndPrunesMost(metric: IndexMetric) {
        // 100 components: not a multiple of 32, so the padding path runs too.
        let dim = 100
        let rows = TestData.latentRows(count: 3_000, dimension: dim, latent: 12, noise: 0.3, seed: 41)
        let queries = (0..<25).map { TestData.row(TestData.latentRows(count: 25, dimension: dim, latent: 12, noise: 0.3, seed: 42), $0, dim) }
        for kernel in Self.kernels {
            let plain = Self.checkCertified(rows: rows, dimension: dim, queries: queries, metric: metric, k: 10, allowed: nil, kernel: kernel)
            #expect(plain.ok, "kernel \(kernel.rawValue)")
            // The point of the scan: only a small share of rows needs full precision.
            #expect(plain.meanCandidates < 300, "kernel \(kernel.rawValue): \(plain.meanCandidates) candidates")
            let allowed = (0..<3_000).map { $0 % 3 == 0 }
            let filtered = Self.checkCertified(rows: rows, dimension: dim, queries: queries, metric: metric, k: 10,
                                               allowed: allowed, kernel: kernel)
            #expect(filtered.ok, "kernel \(kernel.rawValue), filtered")
        }
    }

    @Test func duplicatesTiedAtTheCutAreAllCandidates() {
        // Every row appears 4 times: ties at rank 10 must all survive.
        let dim = 64
        let unique = TestData.gaussianRows(count: 500, dimension: dim, seed: 7)
        let rows = (0..<4).flatMap { _ in unique }
        let queries = (0..<10).map { TestData.row(TestData.gaussianRows(count: 10, dimension: dim, seed: 8), $0, dim) }
        for kernel in Self.kernels {
            let result = Self.checkCertified(rows: rows, dimension: dim, queries: queries, metric: .cosine, k: 10, allowed: nil, kernel: kernel)
            #expect(result.ok)
            #expect(result.meanCandidates >= 12)  // three distinct vectors × 4 copies at least
        }
    }

    @Test func edgeCases() {
        // A constant component, a zero row, fewer rows than k, everything filtered out.
        var rows = TestData.gaussianRows(count: 6, dimension: 40, seed: 9)
        for r in 0..<6 { rows[r * 40 + 5] = 0.5 }
        for c in 0..<40 { rows[3 * 40 + c] = 0 }
        let codes = Self.coded(rows, dimension: 40, metric: .cosine, kernel: .baseline)
        let query = TestData.row(rows, 1, 40)
        #expect(Self.candidates(codes, query, metric: .cosine, k: 10) == Set((0..<6).map { Int32($0) }))
        #expect(Self.candidates(codes, query, metric: .cosine, k: 10, allowed: [Bool](repeating: false, count: 6)).isEmpty)
        #expect(Self.candidates(codes, query, metric: .cosine, k: 1).contains(1))
        let empty = QuantizedRows(rows: [Float](repeating: 0, count: 1).withUnsafeBufferPointer { $0.baseAddress! }, rowCount: 0,
                                  dimension: 40, normalize: true)
        #expect(Array([Float](repeating: 1, count: 40).withUnsafeBufferPointer { empty.candidates(query: $0, k: 10) }).isEmpty)
    }

    @Test func bothKernelsComputeTheSameSumsAndHits() throws {
        // Extreme codes and weights (255 × ±63) exercise the 16-bit pair headroom of both copies;
        // 37 rows leave a tail after the AVX2 copy's groups of four.
        let stride = 96, rowsCount = 37
        var rng = SplitMix64(seed: 5)
        var codes = (0..<(stride * rowsCount)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for i in 0..<stride { codes[i] = 255 }
        for i in 0..<stride { codes[stride + i] = 255 }
        var weights = (0..<stride).map { _ in Int8.random(in: -63...63, using: &rng) }
        for i in 0..<32 { weights[i] = 63 }
        for i in 32..<64 { weights[i] = -63 }
        // The portable copy's layout: weights + 64, per 32-code block the even components then the odd.
        var offsetWeights = [UInt16](repeating: 0, count: stride)
        for i in 0..<stride {
            let block = i / 32 * 32, j = i % 32
            offsetWeights[block + (j % 2) * 16 + j / 2] = UInt16(Int(weights[i]) + 64)
        }
        var expected = [Int32](repeating: 0, count: rowsCount)
        var codeSums = [Int32](repeating: 0, count: rowsCount)
        for r in 0..<rowsCount {
            for i in 0..<stride {
                expected[r] += Int32(codes[r * stride + i]) * Int32(weights[i])
                codeSums[r] += Int32(codes[r * stride + i])
            }
        }
        let sorted = expected.sorted()
        for minimum in [Int32.min, sorted[rowsCount / 2], sorted[rowsCount - 1], Int32.max] {
            let expectedHits = (0..<rowsCount).filter { expected[$0] >= minimum }.map(Int32.init)
            for kernel in Self.kernels {
                var sums = [Int32](repeating: 0, count: rowsCount)
                var hits = [Int32](repeating: -1, count: rowsCount)
                let kept = codes.withUnsafeBytes { c in
                    kernel.scan(codes: c.baseAddress!, rowCount: rowsCount, stride: stride, signedWeights: weights,
                                offsetWeights: offsetWeights, codeSums: codeSums, minimum: minimum, sums: &sums, hits: &hits)
                }
                #expect(sums == expected, "kernel \(kernel.rawValue)")
                #expect(Array(hits[0..<kept]) == expectedHits, "kernel \(kernel.rawValue), minimum \(minimum)")
            }
        }
    }

    @Test func selectionHonoursTheOverride() {
        #expect(KernelSelection.isSupported(.baseline))
        #expect(KernelSelection.detect() == .baseline || KernelSelection.isSupported(.avx2))
    }
}
