import Foundation

/// Splits review text into clean sentences (Korean and English) for extractive summaries.
public enum ExtractiveSentences {
    /// Characters that start a bullet or separate list items in reviews.
    private static let bulletScalars: Set<Unicode.Scalar> = ["✔", "✅", "•", "▶", "▷", "►", "★", "☆", "♥", "♡", "❤", "✨", "※"]

    /// Korean polite / plain sentence endings after which a space usually starts a new sentence.
    private static let koreanEndings = ["요", "니다", "어요", "에요", "예요", "네요", "죠", "습니다", "었다", "였다", "했다", "이다", "는다", "ㄴ다", "임", "음", "함", "듯"]

    /// Cleans `text` (emoji, bullets, sensitive spans, laughter jamo, repeated punctuation) and
    /// splits it into sentences. Periods between digits (`4.5`) never split.
    public static func split(_ text: String) -> [String] {
        let cleaned = clean(text)
        var sentences: [String] = []
        var current = ""
        let chars = Array(cleaned)
        for (i, ch) in chars.enumerated() {
            if ch == "\n" || ch == "\u{0}" {
                flush(&current, into: &sentences)
                continue
            }
            current.append(ch)
            if ch == "!" || ch == "?" || ch == "。" || (ch == "~" && !(i + 1 < chars.count && chars[i + 1].isNumber)) {
                flush(&current, into: &sentences)
            } else if ch == "." {
                let prevDigit = i > 0 && chars[i - 1].isNumber
                let nextDigit = i + 1 < chars.count && chars[i + 1].isNumber
                if !(prevDigit && nextDigit) { flush(&current, into: &sentences) }
            } else if isGluedBoundary(chars, at: i) {
                flush(&current, into: &sentences)
            } else if ch == " " {
                let trimmed = current.trimmingCharacters(in: .whitespaces)
                if trimmed.count >= 8, let last = trimmed.split(separator: " ").last,
                   koreanEndings.contains(where: { last.hasSuffix($0) }) {
                    flush(&current, into: &sentences)
                }
            }
        }
        flush(&current, into: &sentences)
        return sentences
    }

    /// Reviews often glue sentences without a space (`곳입니다봉초밥도`): a polite ending directly
    /// followed by a Hangul syllable that cannot continue the ending starts a new sentence.
    private static func isGluedBoundary(_ chars: [Character], at i: Int) -> Bool {
        guard i >= 1, i + 1 < chars.count else { return false }
        let pair = String(chars[(i - 1)...i])
        guard ["니다", "어요", "에요", "예요", "네요", "해요", "아요", "세요", "워요", "져요", "줘요", "와요", "봐요", "려요", "러요"].contains(pair) else { return false }
        let next = chars[i + 1]
        guard let scalar = next.unicodeScalars.first, (0xAC00...0xD7A3).contains(scalar.value) else { return false }
        return !"만는라고요!?.,ㅎ".contains(next)
    }

    private static func flush(_ current: inout String, into sentences: inout [String]) {
        var s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        current = ""
        while let last = s.last, ".!?。~,".contains(last) { s.removeLast() }
        s = s.trimmingCharacters(in: .whitespaces)
        while let first = s.first, "-*~,.)".contains(first) { s.removeFirst() }
        s = s.trimmingCharacters(in: .whitespaces)
        if s.count >= 2 { sentences.append(s) }
    }

    /// Removes emoji, pictographs, bullets, sensitive spans, laughter/crying jamo runs and
    /// repeated punctuation; bullets become sentence breaks; collapses spaces.
    public static func clean(_ text: String) -> String {
        let withoutSensitive = ExtractiveSensitive.removingAll(from: text)
        var out = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in withoutSensitive.unicodeScalars {
            if bulletScalars.contains(scalar) {
                out.append("\n")
                lastWasSpace = false
                continue
            }
            if isDecoration(scalar) { continue }
            if (0x3131...0x318E).contains(scalar.value) { continue }  // bare jamo: ㅋㅋ ㅎㅎ ㅠㅠ
            if scalar == "\t" || scalar == "\r" || scalar == "\u{00A0}" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
                continue
            }
            if scalar == " " {
                if lastWasSpace { continue }
                lastWasSpace = true
            } else {
                lastWasSpace = false
            }
            out.append(scalar)
        }
        var result = String(out)
        for emoticon in [":)", ":(", ":D", ";)", ":-)", "：", "ᆢ", "ㆍㆍ"] {
            result = result.replacingOccurrences(of: emoticon, with: " ")
        }
        for (run, single) in [("!!", "!"), ("??", "?"), ("~~", "~"), ("...", "."), ("..", "."), ("^^", ""), (" .", "."), ("  ", " ")] {
            while result.contains(run) { result = result.replacingOccurrences(of: run, with: single) }
        }
        return result
    }

    /// Emoji, pictographs, variation selectors, joiners and other symbols that carry no text.
    static func isDecoration(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v == 0x200D || (0xFE00...0xFE0F).contains(v) || (0x1F3FB...0x1F3FF).contains(v) { return true }
        if v >= 0x1F000 && v <= 0x1FAFF { return true }
        if (0x2600...0x27BF).contains(v) || (0x2B00...0x2BFF).contains(v) || (0x2190...0x21FF).contains(v) { return true }
        if (0x25A0...0x25FF).contains(v) { return true }  // geometric shapes
        if scalar.properties.isEmojiPresentation { return true }
        return false
    }
}
