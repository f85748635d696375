import Foundation

/// Scores review sentences by salience for one shop: how many of the shop's reviews share the
/// sentence's character bigrams (what many visitors talk about), plus category cues
/// (웨이팅, 코스, 가성비 …), with penalties for empty praise, complaints and odd lengths.
public struct ExtractiveScorer: Sendable {
    /// A sentence candidate with its salience.
    public struct Candidate: Sendable, Hashable {
        /// Cleaned sentence text.
        public var text: String
        /// Index of the review it came from.
        public var reviewIndex: Int
        /// Salience (higher is better).
        public var score: Double
    }

    /// Category cue words that make a sentence more useful for that category's summary.
    public static func cues(for category: String) -> [String] {
        switch category {
        case "fine_dining_and_susi_omakase":
            ["코스", "오마카세", "셰프", "예약", "기념일", "페어링", "디너", "런치", "숙성", "시그니처", "분위기", "course", "chef", "reservation", "pairing"]
        case "waiting_hotplace":
            ["웨이팅", "대기", "줄", "기다", "오픈", "포장", "테이크아웃", "평일", "주말", "오전", "오후", "품절", "wait", "queue", "line", "take-out", "takeout"]
        default:
            ["가성비", "양이", "푸짐", "시그니처", "대표", "추천", "분위기", "혼밥", "가격", "메뉴", "친절", "value", "portion", "signature", "cozy"]
        }
    }

    private static let generic = ["맛있어요", "맛있었어요", "맛있습니다", "너무", "정말", "진짜", "최고", "추천합니다", "좋아요", "좋았어요", "또", "올게요", "갈게요", "감사합니다", "번창하세요", "delicious", "good", "great"]
    private static let negative = ["최악", "별로", "실망", "불친절", "다시는", "비추", "아쉬", "불쾌", "짜증", "환불", "단점", "불편", "느려", "늦게", "비싸", "worst", "terrible", "rude", "disappoint"]
    private static let stopBigrams: Set<String> = ["너무", "정말", "진짜", "있어", "어요", "습니", "니다", "해요", "네요", "맛있", "좋아", "좋았", "했어", "에요", "예요", "는데", "서요"]

    /// The category whose cues count.
    public var category: String

    /// Creates a scorer for `category`.
    public init(category: String) { self.category = category }

    /// Splits, filters and scores every sentence of `reviews`.
    public func candidates(from reviews: [String]) -> [Candidate] {
        let perReview = reviews.map { ExtractiveSentences.split($0) }
        var documentFrequency: [String: Int] = [:]
        for sentences in perReview {
            var seen = Set<String>()
            for s in sentences { seen.formUnion(Self.terms(of: s)) }
            for term in seen { documentFrequency[term, default: 0] += 1 }
        }
        let cueWords = Self.cues(for: category)
        var result: [Candidate] = []
        var seenTexts = Set<String>()
        for (index, sentences) in perReview.enumerated() {
            for sentence in sentences {
                let key = ExtractiveSimilarity.normalized(sentence)
                guard Self.isUsable(sentence), !seenTexts.contains(key) else { continue }
                seenTexts.insert(key)
                let terms = Self.terms(of: sentence).subtracting(Self.stopBigrams)
                guard !terms.isEmpty else { continue }
                var score = terms.reduce(0.0) { $0 + log(1 + Double(documentFrequency[$1] ?? 0)) }
                score /= Double(terms.count).squareRoot()
                let lower = sentence.lowercased()
                score += 0.6 * Double(cueWords.filter { lower.contains($0) }.count)
                if sentence.contains(where: \.isNumber) { score += 0.3 }
                let informative = terms.count - Self.generic.filter { lower.contains($0) }.count * 2
                if informative < 4 { score *= 0.5 }
                if Self.negative.contains(where: { lower.contains($0) }) { score *= 0.4 }
                let length = sentence.count
                if length < 12 { score *= 0.6 } else if length > 70 { score *= 0.7 }
                result.append(Candidate(text: sentence, reviewIndex: index, score: score))
            }
        }
        return result
    }

    /// Whether a cleaned sentence may be quoted: sensible length, real words, no instructions,
    /// no sensitive data left.
    static func isUsable(_ sentence: String) -> Bool {
        let count = sentence.count
        guard count >= 8, count <= 90 else { return false }
        let letters = sentence.unicodeScalars.filter { CharacterSet.letters.contains($0) }.count
        guard letters * 2 >= count else { return false }
        if ExtractiveSensitive.looksLikeInstruction(sentence) { return false }
        if !ExtractiveSensitive.matches(in: sentence).isEmpty { return false }
        if sentence.contains("\"") || sentence.contains("“") || sentence.contains("”") { return false }
        return true
    }

    /// Terms of a sentence: Hangul character bigrams inside words and lower-cased Latin words.
    static func terms(of sentence: String) -> Set<String> {
        var terms = Set<String>()
        for word in sentence.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let chars = Array(word)
            if chars.allSatisfy({ $0.isASCII }) {
                if chars.count >= 3 { terms.insert(String(word)) }
            } else if chars.count >= 2 {
                for i in 0..<(chars.count - 1) { terms.insert(String(chars[i...(i + 1)])) }
            }
        }
        return terms
    }
}
