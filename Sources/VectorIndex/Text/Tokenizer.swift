/// Splits Korean and English text into search terms for ``BM25Index``.
///
/// - Words are maximal runs of letters and digits; everything else (spaces, punctuation, emoji,
///   symbols such as ✔️ or ~) separates words and is dropped.
/// - English (and any cased script) is lowercased.
/// - Every word is a term. In addition, each run of two or more Hangul syllables inside a word
///   yields its syllable bigrams, so "웨이팅이" matches a query for "웨이팅" and "맛집에서" matches
///   "맛집" even though Korean attaches particles to nouns (no morphological analyser needed).
public struct Tokenizer: Sendable, Hashable {
    /// Whether to add Hangul syllable bigrams (on by default).
    public var hangulBigrams: Bool

    /// Creates a tokenizer.
    public init(hangulBigrams: Bool = true) {
        self.hangulBigrams = hangulBigrams
    }

    /// The terms of `text`, in order, duplicates kept (term frequency matters to BM25).
    public func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            guard !word.isEmpty else { return }
            let w = String(word).lowercased()
            out.append(w)
            if hangulBigrams { appendBigrams(of: Array(w.unicodeScalars), whole: w, into: &out) }
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if Self.isWordScalar(scalar) {
                word.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return out
    }

    /// Letters and digits, but not emoji or symbols.
    static func isWordScalar(_ s: UnicodeScalar) -> Bool {
        if s.value < 0x80 {
            let v = s.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        let p = s.properties
        if p.isEmojiPresentation { return false }
        return p.isAlphabetic || p.numericType != nil
    }

    /// True for precomposed Hangul syllables (가–힣).
    static func isHangulSyllable(_ s: UnicodeScalar) -> Bool {
        s.value >= 0xAC00 && s.value <= 0xD7A3
    }

    private func appendBigrams(of scalars: [UnicodeScalar], whole: String, into out: inout [String]) {
        var i = 0
        while i < scalars.count {
            guard Self.isHangulSyllable(scalars[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < scalars.count, Self.isHangulSyllable(scalars[j]) { j += 1 }
            // Run [i, j) of Hangul syllables.
            if j - i >= 2 {
                for a in i..<(j - 1) {
                    var pair = String.UnicodeScalarView()
                    pair.append(scalars[a])
                    pair.append(scalars[a + 1])
                    let bigram = String(pair)
                    if bigram != whole { out.append(bigram) }
                }
            }
            i = j
        }
    }
}
