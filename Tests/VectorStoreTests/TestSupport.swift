import Foundation
@testable import VectorStore

/// A temporary store directory, removed by `cleanup()` (call it in `defer`).
struct TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vstore-test-" + UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Deterministic generator (SplitMix64) for test data.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fixtures {
    static func vector(_ dim: Int, _ rng: inout SeededRNG) -> [Float] {
        (0..<dim).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    static func records(_ n: Int, dim: Int, seed: UInt64 = 1, prefix: String = "r") -> [VectorRecord] {
        var rng = SeededRNG(seed: seed)
        return (0..<n).map { i in
            VectorRecord(id: "\(prefix)\(i)", vector: vector(dim, &rng), document: "document \(i)",
                         metadata: ["i": .int(i), "even": .bool(i % 2 == 0), "group": .string("g\(i % 3)")])
        }
    }

    /// Reference brute-force distances.
    static func distance(_ metric: DistanceMetric, _ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0, l2: Float = 0
        for i in 0..<a.count {
            dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]
            l2 += (a[i] - b[i]) * (a[i] - b[i])
        }
        switch metric {
        case .cosine: return 1 - dot / (na.squareRoot() * nb.squareRoot())
        case .ip: return 1 - dot
        case .l2: return l2
        }
    }

    static func fastConfig() -> VectorDatabase.Configuration {
        VectorDatabase.Configuration(gcGracePeriod: 0)
    }
}
