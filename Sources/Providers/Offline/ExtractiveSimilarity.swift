import Foundation

/// Character n-gram similarity used for redundancy (MMR), near-duplicate detection and
/// example-copy checks. Works the same for Korean and English: text is lower-cased, whitespace
/// and punctuation are removed, and overlapping n-grams of Unicode characters are counted.
public enum ExtractiveSimilarity {
    /// A bag of character n-grams with counts.
    public struct Profile: Sendable, Hashable {
        /// n-gram → count.
        public var counts: [String: Int]
        /// Euclidean norm of `counts`.
        public var norm: Double

        /// Builds the profile of `text` with n-grams of length `n` (whole text when shorter).
        public init(_ text: String, n: Int = 3) {
            let chars = Array(ExtractiveSimilarity.normalized(text))
            var counts: [String: Int] = [:]
            if chars.count < n {
                if !chars.isEmpty { counts[String(chars)] = 1 }
            } else {
                for start in 0...(chars.count - n) {
                    counts[String(chars[start..<(start + n)]), default: 0] += 1
                }
            }
            self.counts = counts
            norm = counts.values.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
        }

        /// The set of n-grams.
        public var grams: Set<String> { Set(counts.keys) }
    }

    /// Lower-cases and keeps only letters and digits (drops spaces, punctuation, emoji).
    public static func normalized(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars
        where CharacterSet.alphanumerics.contains(scalar) {
            out.append(scalar)
        }
        return String(out)
    }

    /// Cosine similarity of two profiles in [0, 1].
    public static func cosine(_ a: Profile, _ b: Profile) -> Double {
        guard a.norm > 0, b.norm > 0 else { return 0 }
        let (small, large) = a.counts.count <= b.counts.count ? (a, b) : (b, a)
        var dot = 0.0
        for (gram, count) in small.counts {
            if let other = large.counts[gram] { dot += Double(count * other) }
        }
        return dot / (a.norm * b.norm)
    }

    /// Jaccard similarity of the n-gram sets in [0, 1].
    public static func jaccard(_ a: Profile, _ b: Profile) -> Double {
        let sa = a.grams, sb = b.grams
        if sa.isEmpty && sb.isEmpty { return 0 }
        let inter = sa.intersection(sb).count
        return Double(inter) / Double(sa.count + sb.count - inter)
    }

    /// Convenience: cosine similarity of two texts.
    public static func cosine(_ a: String, _ b: String, n: Int = 3) -> Double {
        cosine(Profile(a, n: n), Profile(b, n: n))
    }

    /// Greedy maximal marginal relevance: picks up to `k` indices from `relevance`, trading
    /// relevance against the highest similarity to anything already picked. Candidates at least
    /// `maxSimilarity` similar to a picked one are near-copies: they are taken only when nothing
    /// else is left.
    /// - Parameters:
    ///   - relevance: one score per candidate (higher is better), any scale.
    ///   - lambda: 1 = relevance only, 0 = diversity only.
    ///   - similarity: similarity of candidates `i` and `j` in [0, 1].
    public static func mmr(relevance: [Double], k: Int, lambda: Double, maxSimilarity: Double = 0.85,
                           similarity: (Int, Int) -> Double) -> [Int] {
        guard k > 0, !relevance.isEmpty else { return [] }
        let maxRel = relevance.max() ?? 1
        let minRel = relevance.min() ?? 0
        let rel: [Double]
        if minRel >= 0 {
            rel = relevance.map { maxRel > 0 ? $0 / maxRel : 1 }
        } else {
            let span = maxRel - minRel
            rel = relevance.map { span > 0 ? ($0 - minRel) / span : 1 }
        }
        var picked: [Int] = []
        var remaining = Array(relevance.indices)
        while picked.count < k, !remaining.isEmpty {
            var best: Int?
            var bestScore = -Double.infinity
            var fallback: Int?
            var fallbackScore = -Double.infinity
            for i in remaining {
                let redundancy = picked.map { similarity(i, $0) }.max() ?? 0
                let score = lambda * rel[i] - (1 - lambda) * redundancy
                if redundancy >= maxSimilarity {
                    if score > fallbackScore { fallbackScore = score; fallback = i }
                } else if score > bestScore {
                    bestScore = score
                    best = i
                }
            }
            guard let choice = best ?? fallback else { break }
            picked.append(choice)
            remaining.removeAll { $0 == choice }
        }
        return picked
    }
}
