import Foundation
import Providers

/// Finds pairs of summaries (of different shops) whose character 3-gram sets overlap with
/// Jaccard ≥ `threshold`. MinHash signatures with LSH banding (24 bands × 3 rows) propose
/// candidate pairs; every candidate is verified with the exact Jaccard, so reported pairs are
/// exact and recall is ≥ 96 % at the threshold 0.5 (higher above it).
public struct NearDuplicateDetector: Sendable {
    /// A near-duplicate pair.
    public struct Pair: Sendable, Hashable, Codable {
        /// Index of the first text.
        public var first: Int
        /// Index of the second text.
        public var second: Int
        /// Exact Jaccard similarity of their 3-gram sets.
        public var similarity: Double
    }

    /// Jaccard threshold for "near-duplicate".
    public var threshold: Double
    /// n-gram length.
    public var n: Int
    private let bands = 24
    private let rows = 3

    /// Creates a detector.
    public init(threshold: Double = 0.5, n: Int = 3) {
        self.threshold = threshold
        self.n = n
    }

    /// Sorted, unique hashed n-grams of `text` (normalised as ``ExtractiveSimilarity/normalized(_:)``).
    func shingles(_ text: String) -> [UInt64] {
        let chars = Array(ExtractiveSimilarity.normalized(text))
        guard !chars.isEmpty else { return [] }
        var set = Set<UInt64>()
        let width = min(n, chars.count)
        for start in 0...(chars.count - width) {
            var h: UInt64 = 14695981039346656037
            for ch in chars[start..<(start + width)] {
                for byte in String(ch).utf8 { h = (h ^ UInt64(byte)) &* 1099511628211 }
            }
            set.insert(h)
        }
        return set.sorted()
    }

    /// Exact Jaccard of two sorted unique arrays.
    static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        if a.isEmpty && b.isEmpty { return 0 }
        var i = 0, j = 0, inter = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { inter += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return Double(inter) / Double(a.count + b.count - inter)
    }

    /// All near-duplicate pairs among `texts`, sorted by similarity (highest first).
    public func pairs(in texts: [String]) -> [Pair] {
        let sets = texts.map(shingles)
        let hashCount = bands * rows
        var seed: UInt64 = 0x9E3779B97F4A7C15
        var multipliers: [UInt64] = []
        var offsets: [UInt64] = []
        for _ in 0..<hashCount {
            multipliers.append(Self.splitMix(&seed) | 1)
            offsets.append(Self.splitMix(&seed))
        }
        var buckets: [Int: [Int: [Int]]] = [:]  // band → band hash → text indices
        for (index, set) in sets.enumerated() where !set.isEmpty {
            var signature = [UInt64](repeating: .max, count: hashCount)
            for gram in set {
                for h in 0..<hashCount {
                    let value = gram &* multipliers[h] &+ offsets[h]
                    if value < signature[h] { signature[h] = value }
                }
            }
            for band in 0..<bands {
                var key: UInt64 = 1469598103934665603
                for r in 0..<rows { key = (key ^ signature[band * rows + r]) &* 1099511628211 }
                buckets[band, default: [:]][Int(truncatingIfNeeded: key), default: []].append(index)
            }
        }
        var candidates = Set<Int>()
        let count = texts.count
        for (_, table) in buckets {
            for (_, members) in table where members.count > 1 {
                for x in 0..<members.count {
                    for y in (x + 1)..<members.count { candidates.insert(members[x] * count + members[y]) }
                }
            }
        }
        var result: [Pair] = []
        for key in candidates {
            let a = key / count, b = key % count
            let similarity = Self.jaccard(sets[a], sets[b])
            if similarity >= threshold { result.append(Pair(first: a, second: b, similarity: similarity)) }
        }
        return result.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : ($0.first, $0.second) < ($1.first, $1.second) }
    }

    /// Brute-force reference (all pairs, exact); for tests and small inputs.
    public func pairsExhaustive(in texts: [String]) -> [Pair] {
        let sets = texts.map(shingles)
        var result: [Pair] = []
        for a in 0..<sets.count {
            for b in (a + 1)..<sets.count where !sets[a].isEmpty && !sets[b].isEmpty {
                let s = Self.jaccard(sets[a], sets[b])
                if s >= threshold { result.append(Pair(first: a, second: b, similarity: s)) }
            }
        }
        return result.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : ($0.first, $0.second) < ($1.first, $1.second) }
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
