import Foundation

/// Patterns for personal data and links that must never reach a published summary:
/// phone numbers, e-mail addresses, URLs, @handles, masked tokens (`[전화번호]`) and reviewer ids.
/// Shared by the offline generator (which removes them) and the summary validator (which rejects them).
public enum ExtractiveSensitive {
    /// Kinds of sensitive spans.
    public enum Kind: String, Sendable, CaseIterable {
        case phone, email, url, handle, maskedToken, reviewerID
    }

    /// A sensitive span found in a text.
    public struct Match: Sendable, Hashable {
        public var kind: Kind
        public var text: String
    }

    private static let patterns: [(Kind, NSRegularExpression)] = {
        let specs: [(Kind, String)] = [
            (.email, #"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"#),
            (.url, #"(?i)(?:https?://|www\.)[^\s)\]}>"']+"#),
            (.url, #"(?i)\b[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:com|net|org|kr|io|me|ly|co|gl|shop|link)(?:/[^\s]*)?(?![a-z])"#),
            (.phone, #"(?:\+82[\s.\-]?0?|(?<![\d.])0)\d{1,2}[\s.\-)]{0,2}\d{3,4}[\s.\-]{0,2}\d{4}(?!\d)"#),
            (.phone, #"(?<![\d.])1[5-9]\d{2}-\d{4}(?!\d)"#),
            (.phone, #"(?<![\d.])\d{3}[\s.\-]\d{3,4}[\s.\-]\d{4}(?!\d)"#),
            (.maskedToken, #"\[(?:전화번호|이메일|계정|연락처|주소|이름|번호)\]"#),
            (.handle, #"(?<![A-Za-z0-9._%+\-])@[A-Za-z0-9_.]{2,}"#),
            (.reviewerID, #"(?i)\breviewer_\d+"#),
        ]
        return specs.map { kind, pattern in
            // The patterns are constants; a failure here is a programming error caught by tests.
            (kind, try! NSRegularExpression(pattern: pattern))
        }
    }()

    /// All sensitive spans in `text`, in pattern order.
    public static func matches(in text: String) -> [Match] {
        let range = NSRange(text.startIndex..., in: text)
        var found: [Match] = []
        for (kind, regex) in patterns {
            for m in regex.matches(in: text, range: range) {
                if let r = Range(m.range, in: text) { found.append(Match(kind: kind, text: String(text[r]))) }
            }
        }
        return found
    }

    /// `text` with every sensitive span removed.
    public static func removingAll(from text: String) -> String {
        var out = text
        for (_, regex) in patterns {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: " ")
        }
        return out
    }

    /// Phrases that try to instruct the model ("ignore the above", "이전 지시 무시").
    private static let injection: NSRegularExpression = {
        let pattern = #"(?i)(ignore|disregard|forget)\s+(all\s+|the\s+|any\s+)?(previous|above|prior|earlier|preceding)|system\s*prompt|you\s+are\s+now|as\s+an\s+ai|respond\s+(only\s+)?with|output\s+(only|the following)|new\s+instructions?|(이전|위의?|앞의|기존)\s*(의\s*)?(지시|지침|명령|프롬프트|내용)|(지시|지침|명령|규칙)[을를은는]?\s*(모두\s*)?무시|프롬프트|시스템\s*메시지|(라고|이라고)\s*(만\s*)?(출력|답|작성)해"#
        return try! NSRegularExpression(pattern: pattern)
    }()

    /// Whether `text` looks like an instruction aimed at the model (prompt injection).
    public static func looksLikeInstruction(_ text: String) -> Bool {
        injection.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
