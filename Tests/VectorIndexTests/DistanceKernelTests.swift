import Testing
@testable import VectorIndex

@Suite("Distance kernels and flat scan")
struct DistanceKernelTests {
    @Test(arguments: [1, 3, 15, 16, 17, 63, 64, 65, 127, 128, 384, 768, 1000])
    func kernelsMatchScalarReference(dimension: Int) {
        let a = TestData.gaussianRows(count: 1, dimension: dimension, seed: UInt64(dimension))
        let b = TestData.gaussianRows(count: 1, dimension: dimension, seed: UInt64(dimension) + 99)
        var dot = 0.0
        var l2 = 0.0
        for i in 0..<dimension {
            dot += Double(a[i]) * Double(b[i])
            l2 += (Double(a[i]) - Double(b[i])) * (Double(a[i]) - Double(b[i]))
        }
        let tolerance = 1e-4 * Double(dimension)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return }
                #expect(abs(Double(DistanceKernels.dot(x, y, count: dimension)) - dot) < tolerance)
                #expect(abs(Double(DistanceKernels.squaredL2(x, y, count: dimension)) - l2) < tolerance)
            }
        }
        #expect(abs(Double(IndexMetric.innerProduct.distance(a, b)) - (1 - dot)) < tolerance)
    }

    @Test(arguments: IndexMetric.allCases)
    func flatScanEqualsBruteForce(metric: IndexMetric) throws {
        let dim = 37
        var rows = TestData.gaussianRows(count: 700, dimension: dim, seed: 21)
        if metric.normalizes { rows.withUnsafeMutableBufferPointer { VectorMath.normalizeRows($0, dimension: dim) } }
        let query = TestData.gaussianRows(count: 1, dimension: dim, seed: 22)
        let filter: (Int32) -> Bool = { $0 % 2 == 1 }
        let truth = TestData.bruteForce(query, rows: rows, dimension: dim, metric: metric, k: 15)
        let truthFiltered = TestData.bruteForce(query, rows: rows, dimension: dim, metric: metric, k: 15, filter: filter)
        try rows.withUnsafeBufferPointer { buf throws in
            let got = try FlatIndex.search(query: query, rows: buf, dimension: dim, metric: metric, k: 15)
            #expect(got.map(\.id) == truth.map(\.id))
            for (g, t) in zip(got, truth) { #expect(abs(g.distance - t.distance) < 1e-3) }
            let gotFiltered = try FlatIndex.search(query: query, rows: buf, dimension: dim, metric: metric, k: 15, filter: filter)
            #expect(gotFiltered.map(\.id) == truthFiltered.map(\.id))
        }
    }

    @Test func flatScanRejectsBadShapes() throws {
        let rows: [Float] = [1, 2, 3, 4, 5]
        try rows.withUnsafeBufferPointer { buf throws in
            #expect(throws: VectorIndexError.self) { try FlatIndex.search(query: [1, 2], rows: buf, dimension: 2, metric: .l2, k: 1) }
            #expect(throws: VectorIndexError.self) { try FlatIndex.search(query: [1], rows: buf, dimension: 2, metric: .l2, k: 1) }
            #expect(try FlatIndex.search(query: [1, 2, 3, 4, 5], rows: buf, dimension: 5, metric: .l2, k: 3).map(\.id) == [0])
        }
    }

    @Test func topKKeepsSmallestWithStableTies() {
        var top = TopK(k: 3)
        for (id, d) in [(0, 5.0), (1, 1.0), (2, 3.0), (3, 1.0), (4, 0.5), (5, 3.0), (6, .nan)] as [(Int32, Float)] {
            top.insert(id: id, distance: d)
        }
        #expect(top.sorted().map(\.id) == [4, 1, 3])
        #expect(top.threshold == 1.0)
    }

    @Test func normalizeLeavesZeroVectorAlone() {
        #expect(VectorMath.normalized([0, 0, 0]) == [0, 0, 0])
        let n = VectorMath.normalized([3, 4])
        #expect(abs(n[0] - 0.6) < 1e-6 && abs(n[1] - 0.8) < 1e-6)
    }
}
