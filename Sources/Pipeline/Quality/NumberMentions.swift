import Foundation

/// Finds numbers in text — digits (`15`, `4.25`, `13,000`), Korean unit numbers (`15만원`,
/// `1만 3천원`), native Korean and English number words before counters (`두 시간`, `세 명`,
/// `two hours`) — and gives each its value, so a summary's numbers can be checked against the input.
public enum NumberMentions {
    /// One number found in a text.
    public struct Mention: Sendable, Hashable {
        /// The text as written (`1만 3천원`, `4.25`, `두 시간`).
        public var text: String
        /// Its value (`13000`, `4.25`, `2`).
        public var value: Double
        /// Values of the single digit groups inside it (`1`, `3` for `1만 3천`).
        public var parts: [Double]
    }

    private static let digitPattern = try! NSRegularExpression(pattern:
        #"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"#)
    private static let compoundPattern = try! NSRegularExpression(pattern:
        #"(?:\d+(?:\.\d+)?\s?(?:억|만|천|백)\s?)+\d*"#)
    private static let nativeKorean: [String: Double] = [
        "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
        "스무": 20, "서른": 30, "마흔": 40, "쉰": 50,
    ]
    private static let koreanCounters = "시간|명|분|인분|시|달|주일|살|병|잔"
    private static let nativePattern = try! NSRegularExpression(pattern:
        #"(?<![가-힣])(다섯|여섯|일곱|여덟|아홉|스무|서른|마흔|한|두|세|네|열|쉰)\s?("# + koreanCounters + #")"#)
    private static let english: [String: Double] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
        "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
    ]
    private static let englishPattern = try! NSRegularExpression(pattern:
        #"(?i)\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred)\s+(minutes?|hours?|people|persons?|guests?|dollars?|won|seats?|courses?|dishes|pieces?|times)\b"#)

    private static let multipliers: [Character: Double] = ["억": 100_000_000, "만": 10_000, "천": 1_000, "백": 100]

    /// Every number mentioned in `text`.
    public static func find(in text: String) -> [Mention] {
        var found: [Mention] = []
        let ns = text as NSString
        let full = NSRange(location: 0, length: ns.length)
        var covered: [NSRange] = []
        // Compound Korean amounts first: `1만 3천원` = 13000.
        for match in compoundPattern.matches(in: text, range: full) {
            let raw = ns.substring(with: match.range)
            if let value = compoundValue(raw) {
                let parts = digitGroups(raw)
                found.append(Mention(text: raw.trimmingCharacters(in: .whitespaces), value: value, parts: parts))
                covered.append(match.range)
            }
        }
        for match in digitPattern.matches(in: text, range: full)
        where !covered.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) {
            let raw = ns.substring(with: match.range(at: 1)).replacingOccurrences(of: ",", with: "")
            var number = Double(raw) ?? 0
            if match.range(at: 2).location != NSNotFound, let frac = Double("0." + ns.substring(with: match.range(at: 2))) {
                number += frac
            }
            found.append(Mention(text: ns.substring(with: match.range), value: number, parts: [number]))
        }
        for match in nativePattern.matches(in: text, range: full) {
            let word = ns.substring(with: match.range(at: 1))
            if let value = nativeKorean[word] {
                found.append(Mention(text: ns.substring(with: match.range), value: value, parts: [value]))
            }
        }
        for match in englishPattern.matches(in: text, range: full) {
            let word = ns.substring(with: match.range(at: 1)).lowercased()
            if let value = english[word] {
                found.append(Mention(text: ns.substring(with: match.range), value: value, parts: [value]))
            }
        }
        return found
    }

    /// `1만 3천` → 13000, `15만` → 150000, `1만 5000` → 15000.
    static func compoundValue(_ raw: String) -> Double? {
        var total = 0.0
        var digits = ""
        var sawUnit = false
        for ch in raw {
            if ch.isNumber || ch == "." {
                digits.append(ch)
            } else if let m = multipliers[ch] {
                guard let n = Double(digits) else { return nil }
                total += n * m
                digits = ""
                sawUnit = true
            }
        }
        if let rest = Double(digits) { total += rest }
        return sawUnit ? total : nil
    }

    private static func digitGroups(_ raw: String) -> [Double] {
        raw.split(whereSeparator: { !($0.isNumber || $0 == ".") }).compactMap { Double($0) }
    }

    /// Values a summary may use: every mention's value and every digit group in `texts`.
    public static func supportedValues(in texts: [String]) -> Set<Double> {
        var values = Set<Double>()
        for text in texts {
            for mention in find(in: text) {
                values.insert(mention.value)
                values.formUnion(mention.parts)
            }
        }
        return values
    }
}
