/// BM25 ranking of a snapshot's documents (k1 = 1.2, b = 0.75), built per query over the
/// candidate rows. Tokens: lower-cased words of letters/digits, plus Hangul syllable bigrams of
/// Korean words (so "파스타집" matches "파스타").
enum TextRanker {
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var word: [Character] = []
        func flush() {
            guard !word.isEmpty else { return }
            out.append(String(word))
            let hangul = word.filter { $0.unicodeScalars.first.map { (0xAC00...0xD7A3).contains($0.value) } ?? false }
            if hangul.count == word.count, word.count > 2 {
                for i in 0..<(word.count - 1) { out.append(String(word[i...i + 1])) }
            }
            word.removeAll(keepingCapacity: true)
        }
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { word.append(ch) } else { flush() }
        }
        flush()
        return out
    }

    /// BM25 scores of `documents` for `query`; rows with score 0 are omitted.
    static func scores(query: String, documents: [(ref: RowRef, text: String)]) -> [(RowRef, Double)] {
        let q = Set(tokens(query))
        guard !q.isEmpty, !documents.isEmpty else { return [] }
        var tfs: [[String: Int]] = []
        var df: [String: Int] = [:]
        var totalLength = 0
        for d in documents {
            var tf: [String: Int] = [:]
            let toks = tokens(d.text)
            totalLength += toks.count
            for t in toks where q.contains(t) { tf[t, default: 0] += 1 }
            for t in tf.keys { df[t, default: 0] += 1 }
            tfs.append(tf)
            tfs[tfs.count - 1]["\u{0}len"] = toks.count
        }
        let n = Double(documents.count)
        let avg = max(1, Double(totalLength) / n)
        var result: [(RowRef, Double)] = []
        for (i, d) in documents.enumerated() {
            let tf = tfs[i]
            let len = Double(tf["\u{0}len"] ?? 0)
            var score = 0.0
            for t in q {
                guard let f = tf[t], let dft = df[t] else { continue }
                let idf = log(1 + (n - Double(dft) + 0.5) / (Double(dft) + 0.5))
                let ff = Double(f)
                score += idf * ff * 2.2 / (ff + 1.2 * (0.25 + 0.75 * len / avg))
            }
            if score > 0 { result.append((d.ref, score)) }
        }
        return result
    }
}

import Foundation
