import Foundation
import Providers

/// Guardrails applied to every generator's output: length per category, language, no phone
/// numbers / URLs / e-mails / handles / reviewer names, every number backed by the input, no
/// sentence copied from an example, output shape intact (no echo of injected instructions).
public struct SummaryValidator: Sendable {
    /// Thresholds with defaults.
    public struct Configuration: Sendable {
        /// Length bounds per category.
        public var lengthPolicy = SummaryLengthPolicy()
        /// A summary sentence this similar (character 3-gram cosine) to an example sentence is a copy.
        public var copySimilarity: Double = 0.8
        /// Sentences shorter than this (letters and digits) are not checked for copying.
        public var copyMinimumCharacters: Int = 12
        /// At most this many highlights / keywords.
        public var maxHighlights: Int = 6
        public var maxKeywords: Int = 10
        /// Creates a configuration.
        public init() {}
    }

    /// The configuration in use.
    public var configuration: Configuration

    /// Creates a validator.
    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// All violations of `output` for `shop` in `category`, given the few-shot `examples` used.
    public func validate(_ output: SummaryOutput, shop: Shop, category: ShopCategory,
                         examples: [ExampleSummary]) -> [SummaryViolation] {
        var violations: [SummaryViolation] = []
        let summary = output.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty else { return [SummaryViolation(kind: .empty, detail: "summary is empty")] }
        let range = configuration.lengthPolicy.range(for: category)
        if !range.contains(summary.count) {
            violations.append(SummaryViolation(kind: .length, detail: "\(summary.count) characters, allowed \(range.lowerBound)-\(range.upperBound)"))
        }
        violations += languageViolations(summary, shop: shop)
        let published = ([summary] + output.highlights + output.keywords).joined(separator: "\n")
        violations += sensitiveViolations(published, shop: shop)
        violations += numberViolations(published, shop: shop)
        violations += copyViolations(summary, examples: examples)
        violations += formatViolations(output, summary: summary)
        return violations
    }

    // MARK: - Rules

    func languageViolations(_ summary: String, shop: Shop) -> [SummaryViolation] {
        let expected = ShopFacts.language(of: shop)
        let text = summary.replacingOccurrences(of: shop.name, with: " ")
        var hangul = 0, latin = 0
        for s in text.unicodeScalars {
            if (0xAC00...0xD7A3).contains(s.value) { hangul += 1 } else if s.isASCII, CharacterSet.letters.contains(s) { latin += 1 }
        }
        let letters = hangul + latin
        guard letters > 0 else { return [] }
        let hangulShare = Double(hangul) / Double(letters)
        if expected == "ko", hangulShare < 0.5 {
            return [SummaryViolation(kind: .language, detail: "input is Korean, summary is \(Int(hangulShare * 100))% Hangul")]
        }
        if expected == "en", hangulShare > 0.3 {
            return [SummaryViolation(kind: .language, detail: "input is English, summary is \(Int(hangulShare * 100))% Hangul")]
        }
        return []
    }

    func sensitiveViolations(_ text: String, shop: Shop) -> [SummaryViolation] {
        var out: [SummaryViolation] = []
        for match in ExtractiveSensitive.matches(in: text) {
            let kind: SummaryViolation.Kind = switch match.kind {
            case .phone: .phoneNumber
            case .email: .email
            case .url: .url
            case .handle, .maskedToken: .personalHandle
            case .reviewerID: .reviewerName
            }
            // A bare domain inside an e-mail is reported once, as the e-mail.
            if kind == .url, out.contains(where: { $0.kind == .email && $0.detail.contains(match.text) }) { continue }
            out.append(SummaryViolation(kind: kind, detail: match.text))
        }
        let lower = text.lowercased()
        let authors = Set(shop.reviews.compactMap { $0.author?.trimmingCharacters(in: .whitespaces) })
        for author in authors.sorted() where author.count >= 2 && lower.contains(author.lowercased()) {
            if !out.contains(where: { $0.kind == .reviewerName && $0.detail.lowercased() == author.lowercased() }) {
                out.append(SummaryViolation(kind: .reviewerName, detail: author))
            }
        }
        return out
    }

    /// Texts a summary's numbers may come from: the shop's own fields and the facts derived from them.
    public static func inputTexts(of shop: Shop) -> [String] {
        var texts = [shop.name, shop.cuisine ?? "", shop.address ?? ""]
        if let rating = shop.rating { texts.append(String(rating)); texts.append(ShopFacts.ratingText(rating) ?? "") }
        texts += shop.attributes.values
        texts += shop.badges
        for review in shop.reviews { texts.append(review.text); texts += review.tags }
        texts += ShopFacts().facts(of: shop).map(\.value)
        return texts
    }

    func numberViolations(_ text: String, shop: Shop) -> [SummaryViolation] {
        let mentions = NumberMentions.find(in: text)
        guard !mentions.isEmpty else { return [] }
        let supported = NumberMentions.supportedValues(in: Self.inputTexts(of: shop))
        var seen = Set<String>()
        return mentions.compactMap { mention in
            guard !supported.contains(mention.value), seen.insert(mention.text).inserted else { return nil }
            return SummaryViolation(kind: .unsupportedNumber, detail: "\(mention.text) (not in the input)")
        }
    }

    func copyViolations(_ summary: String, examples: [ExampleSummary]) -> [SummaryViolation] {
        guard !examples.isEmpty else { return [] }
        let exampleSentences = examples.flatMap { example in
            Self.sentences(of: example.summary).map { (example.id, $0, ExtractiveSimilarity.Profile($0)) }
        }
        let exampleTexts = examples.map { ExtractiveSimilarity.normalized($0.summary) }
        var out: [SummaryViolation] = []
        for sentence in Self.sentences(of: summary) {
            let normalized = ExtractiveSimilarity.normalized(sentence)
            guard normalized.count >= configuration.copyMinimumCharacters else { continue }
            if let index = exampleTexts.firstIndex(where: { $0.contains(normalized) }) {
                out.append(SummaryViolation(kind: .copiedExample, detail: "\"\(sentence)\" copied from example \(examples[index].id)"))
                continue
            }
            let profile = ExtractiveSimilarity.Profile(sentence)
            if let hit = exampleSentences.first(where: { ExtractiveSimilarity.cosine(profile, $0.2) >= configuration.copySimilarity }) {
                out.append(SummaryViolation(kind: .copiedExample, detail: "\"\(sentence)\" nearly copies example \(hit.0)"))
            }
        }
        return out
    }

    func formatViolations(_ output: SummaryOutput, summary: String) -> [SummaryViolation] {
        var out: [SummaryViolation] = []
        let first = summary.first
        if first == "{" || first == "[" || summary.contains("```") || summary.contains("\"summary\"") {
            out.append(SummaryViolation(kind: .format, detail: "summary contains JSON or code"))
        }
        if summary.split(separator: "\n").contains(where: { $0.hasPrefix("#") || $0.hasPrefix("- ") || $0.hasPrefix("* ") }) {
            out.append(SummaryViolation(kind: .format, detail: "summary contains markdown headings or bullets"))
        }
        if summary.range(of: #"</?(review|reviews|example|examples|shop_facts|system|user)\b"#, options: .regularExpression) != nil {
            out.append(SummaryViolation(kind: .format, detail: "summary contains prompt delimiters"))
        }
        if output.highlights.count > configuration.maxHighlights || output.keywords.count > configuration.maxKeywords {
            out.append(SummaryViolation(kind: .format, detail: "\(output.highlights.count) highlights, \(output.keywords.count) keywords"))
        }
        let published = ([summary] + output.highlights + output.keywords).joined(separator: "\n")
        if ExtractiveSensitive.looksLikeInstruction(published) {
            out.append(SummaryViolation(kind: .injection, detail: "summary repeats an instruction aimed at the model"))
        }
        return out
    }

    /// Sentences of a summary (split on . ! ? and line breaks, decimals kept).
    static func sentences(of text: String) -> [String] {
        var out: [String] = []
        var current = ""
        let chars = Array(text)
        for (i, ch) in chars.enumerated() {
            current.append(ch)
            let decimal = ch == "." && i > 0 && i + 1 < chars.count && chars[i - 1].isNumber && chars[i + 1].isNumber
            if ("!?。\n".contains(ch) || ch == ".") && !decimal {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { out.append(s) }
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out
    }
}
