// MARK: - Offline embedder

/// A deterministic, dependency-free embedder: signed feature hashing of character n-grams.
///
/// Features per text (all lower-cased):
/// - every whitespace/punctuation-separated word token (weight 1.0);
/// - for runs of Hangul syllables: syllable unigrams (0.5), bigrams (1.0) and trigrams (1.0);
/// - for other letters and digits: character trigrams of the word padded with `^`/`$` (0.7).
///
/// Each feature is hashed with 64-bit FNV-1a (fixed constants, identical on every platform and
/// process, unlike Swift's seeded `Hasher`); the low bits pick a bucket and one high bit picks the
/// sign. The vector is then L2-normalised; an empty text maps to the zero vector's stand-in
/// (a unit vector on bucket 0) so every result has norm 1.
public struct OfflineEmbedder: Embedder {
    /// Model name recorded in descriptors.
    public static let modelName = "hashed-ngram-v1"

    /// `offline/hashed-ngram-v1@<dimension>`.
    public let descriptor: EmbedderDescriptor

    /// Creates the embedder.
    /// - Parameter dimension: Output dimension (at least 8; default 384).
    public init(dimension: Int = 384) {
        let dim = max(8, dimension)
        descriptor = EmbedderDescriptor(provider: "offline", model: Self.modelName, dimension: dim)
    }

    /// Embeds texts; the task is ignored (queries and documents share one space).
    public func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]] {
        texts.map { vector(for: $0) }
    }

    /// Synchronous embedding of one text (the same result as ``embed(_:task:)``).
    public func vector(for text: String) -> [Float] {
        let dim = descriptor.dimension
        var acc = [Double](repeating: 0, count: dim)
        Self.forEachFeature(in: text) { feature, weight in
            let h = FNV1a.hash64(feature)
            let bucket = Int(h % UInt64(dim))
            let sign: Double = (h >> 63) == 0 ? 1 : -1
            acc[bucket] += sign * weight
        }
        var norm = 0.0
        for v in acc { norm += v * v }
        norm = norm.squareRoot()
        if norm == 0 {
            var unit = [Float](repeating: 0, count: dim)
            unit[0] = 1
            return unit
        }
        return acc.map { Float($0 / norm) }
    }

    // MARK: - Features

    /// Calls `body` with every (feature bytes, weight) of `text`.
    static func forEachFeature(in text: String, _ body: (String, Double) -> Void) {
        for word in tokens(of: text) {
            body("w:" + word, 1.0)
            var hangulRun: [Character] = []
            var otherRun: [Character] = []
            func flushHangul() {
                guard !hangulRun.isEmpty else { return }
                for i in hangulRun.indices {
                    body("h1:" + String(hangulRun[i]), 0.5)
                    if i + 1 < hangulRun.count { body("h2:" + String(hangulRun[i...(i + 1)]), 1.0) }
                    if i + 2 < hangulRun.count { body("h3:" + String(hangulRun[i...(i + 2)]), 1.0) }
                }
                hangulRun.removeAll(keepingCapacity: true)
            }
            func flushOther() {
                guard !otherRun.isEmpty else { return }
                let padded: [Character] = ["^"] + otherRun + ["$"]
                if padded.count >= 3 {
                    for i in 0...(padded.count - 3) { body("c3:" + String(padded[i..<(i + 3)]), 0.7) }
                }
                otherRun.removeAll(keepingCapacity: true)
            }
            for ch in word {
                if isHangulSyllable(ch) {
                    flushOther()
                    hangulRun.append(ch)
                } else {
                    flushHangul()
                    otherRun.append(ch)
                }
            }
            flushHangul()
            flushOther()
        }
    }

    /// Lower-cased word tokens: maximal runs of letters and digits.
    static func tokens(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                current.append(ch)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// True for precomposed Hangul syllables (U+AC00…U+D7A3).
    static func isHangulSyllable(_ ch: Character) -> Bool {
        guard let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 else { return false }
        return (0xAC00...0xD7A3).contains(scalar.value)
    }
}

/// 64-bit FNV-1a over UTF-8 bytes: a fixed, platform-independent hash.
enum FNV1a {
    /// Plain FNV-1a (known-answer testable).
    static func raw64(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    /// FNV-1a followed by a murmur-style finaliser.
    static func hash64(_ text: String) -> UInt64 {
        var h = raw64(text)
        // Final avalanche so low bits (bucket) and the top bit (sign) are well mixed.
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
