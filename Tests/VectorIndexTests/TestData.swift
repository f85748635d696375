@testable import VectorIndex

/// Seeded synthetic data for the index tests.
enum TestData {
    /// `count × dimension` standard-normal-ish floats (sum of uniforms), seeded.
    static func gaussianRows(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var out = [Float](repeating: 0, count: count * dimension)
        for i in out.indices {
            var s: Float = 0
            for _ in 0..<4 { s += Float.random(in: -1...1, using: &rng) }
            out[i] = s
        }
        return out
    }

    /// "Realistic" clustered rows: a low-dimensional latent times a fixed matrix plus noise.
    static func latentRows(count: Int, dimension: Int, latent: Int, noise: Float, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        let basis = (0..<(latent * dimension)).map { _ in Float.random(in: -1...1, using: &rng) }
        var out = [Float](repeating: 0, count: count * dimension)
        for r in 0..<count {
            let z = (0..<latent).map { _ in Float.random(in: -1...1, using: &rng) }
            for c in 0..<dimension {
                var s: Float = 0
                for l in 0..<latent { s += z[l] * basis[l * dimension + c] }
                out[r * dimension + c] = s + noise * Float.random(in: -1...1, using: &rng)
            }
        }
        return out
    }

    static func row(_ rows: [Float], _ i: Int, _ dimension: Int) -> [Float] {
        Array(rows[(i * dimension)..<((i + 1) * dimension)])
    }

    /// Exact top-k by brute force with plain Double arithmetic (independent of the SIMD kernels).
    static func bruteForce(
        _ query: [Float], rows: [Float], dimension: Int, metric: IndexMetric, k: Int, filter: (Int32) -> Bool = { _ in true }
    ) -> [SearchResult] {
        let q = metric.normalizes ? normalized(query) : query
        var all: [SearchResult] = []
        for r in 0..<(rows.count / dimension) where filter(Int32(r)) {
            var v = row(rows, r, dimension)
            if metric.normalizes { v = normalized(v) }
            var d = 0.0
            switch metric {
            case .cosine, .innerProduct:
                var dot = 0.0
                for i in 0..<dimension { dot += Double(q[i]) * Double(v[i]) }
                d = 1 - dot
            case .l2:
                for i in 0..<dimension { let x = Double(q[i]) - Double(v[i]); d += x * x }
            }
            all.append(SearchResult(id: Int32(r), distance: Float(d)))
        }
        all.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
        return Array(all.prefix(k))
    }

    static func normalized(_ v: [Float]) -> [Float] {
        let n = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return n > 0 ? v.map { Float(Double($0) / n) } : v
    }

    /// Mean overlap |found ∩ truth| / |truth|.
    static func recall(_ found: [[SearchResult]], _ truth: [[SearchResult]]) -> Double {
        var hit = 0
        var total = 0
        for (f, t) in zip(found, truth) {
            let ids = Set(f.map(\.id))
            hit += t.filter { ids.contains($0.id) }.count
            total += t.count
        }
        return total == 0 ? 1 : Double(hit) / Double(total)
    }
}
