import Foundation

/// Writes the non-extracted parts of an offline summary: the opening sentence with the shop's
/// key facts and the category signal sentences (waiting, reservation, occasions), in Korean or
/// English. Every value comes from the context's facts; nothing is invented.
struct ExtractiveComposer: Sendable {
    let context: SummaryContext
    let english: Bool
    /// Deterministic variant choice per shop so summaries of different shops differ in wording.
    let variant: Int

    init(context: SummaryContext, english: Bool) {
        self.context = context
        self.english = english
        var hash: UInt64 = 1469598103934665603
        for byte in context.shopName.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        variant = Int(hash % 997)
    }

    func fact(_ label: String) -> String? {
        guard let value = context.facts.first(where: { $0.label == label })?.value
            .trimmingCharacters(in: .whitespaces), !value.isEmpty, value != "N/A" else { return nil }
        return value
    }

    /// A deterministic variant per shop, skipping any variant that appears in a retrieved example
    /// (a summary must not copy an example's sentence, even a generic one).
    private func pick(_ options: [String], salt: Int = 0) -> String {
        let examples = context.exampleSummaries.map(ExtractiveSimilarity.normalized)
        for offset in 0..<options.count {
            let option = options[(variant + salt + offset) % options.count]
            let key = ExtractiveSimilarity.normalized(option)
            if key.count < 10 || !examples.contains(where: { $0.contains(key) }) { return option }
        }
        return options[(variant + salt) % options.count]
    }

    private var cuisinePhrase: String? {
        guard let cuisine = fact(ExtractiveFacts.cuisine) else { return nil }
        let parts = cuisine.split(whereSeparator: { $0 == "," || $0 == "/" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return parts.prefix(2).joined(separator: english ? " & " : "·")
    }

    private var michelinBadge: String? {
        fact(ExtractiveFacts.badges)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("미쉐린") || $0.lowercased().hasPrefix("michelin") }
    }

    /// Opening sentence: name, area, cuisine, badge and rating.
    func opening() -> String {
        let name = context.shopName
        let area = fact(ExtractiveFacts.area)
        let rating = fact(ExtractiveFacts.rating)
        if english {
            var s = name + " is a"
            if let c = cuisinePhrase { s += " \(c)" }
            s += context.category == "fine_dining_and_susi_omakase" ? " restaurant" : " spot"
            if let area { s += " in \(area)" }
            if let badge = michelinBadge { s += " listed in the \(badge)" }
            if let rating { s += ", rated \(rating) by visitors" }
            return s + "."
        }
        var kind: String
        switch context.category {
        case "fine_dining_and_susi_omakase": kind = pick(["레스토랑", "다이닝", "식당"])
        case "waiting_hotplace": kind = pick(["인기 맛집", "줄 서는 맛집", "핫플레이스"])
        default: kind = pick(["식당", "맛집", "밥집"])
        }
        let nounSuffixes = ["식당", "집", "카페", "주점", "바", "포차", "뷔페", "베이커리", "레스토랑", "전문"]
        if let c = cuisinePhrase, nounSuffixes.contains(where: { c.hasSuffix($0) }),
           context.category != "waiting_hotplace" {
            kind = ""
        }
        var subject = ""
        if let badge = michelinBadge { subject += "\(badge)에 이름을 올린 " }
        if let area { subject += "\(area)\(pick(["의 ", "에 있는 "], salt: 1))" }
        if let c = cuisinePhrase { subject += kind.isEmpty ? c : "\(c) " }
        subject += kind
        let named = name + KoreanParticle.topic(after: name)
        if let rating {
            return pick(["\(named) \(subject)\(KoreanParticle.instrumental(after: subject)), 방문자 평점은 \(rating)점이다.",
                         "\(subject) \(named) 평점 \(rating)점을 받고 있다.",
                         "\(named) 평점 \(rating)점을 받은 \(KoreanParticle.copula(subject))."], salt: 2)
        }
        return pick(["\(named) \(KoreanParticle.copula(subject)).", "\(subject) \(named) 꾸준히 방문자가 찾는 곳이다."], salt: 2)
    }

    /// Wraps an extracted review sentence as reported speech.
    func quote(_ sentence: String, position: Int) -> String {
        if english {
            let frames = ["Visitors say \"%@.\"", "One review notes \"%@.\"", "Another says \"%@.\""]
            return frames[(position + variant) % frames.count].replacingOccurrences(of: "%@", with: sentence)
        }
        let frames = position == 0
            ? ["방문자들은 “%@”라고 전한다.", "리뷰에서는 “%@”라는 평이 눈에 띈다.", "“%@”라는 후기가 대표적이다."]
            : ["“%@”라는 후기도 있다.", "“%@”라는 평도 있다.", "또 “%@”라는 의견도 보인다."]
        return frames[(position + variant) % frames.count].replacingOccurrences(of: "%@", with: sentence)
    }

    /// A sentence naming the reviews' most frequent keyword tags, when there are any.
    func keywordSentence() -> String? {
        guard let tags = fact(ExtractiveFacts.keywords) else { return nil }
        let list = tags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.prefix(3)
        guard !list.isEmpty else { return nil }
        if english { return "Reviewers most often tag it \(list.map { "\"\($0)\"" }.joined(separator: ", "))." }
        let quoted = list.map { "‘\($0)’" }.joined(separator: ", ")
        return pick(["방문자 리뷰에서는 \(quoted)라는 평가가 가장 많다.", "리뷰 키워드로는 \(quoted)가 자주 꼽힌다."], salt: 3)
    }

    /// Category signal sentences in order of importance for the category.
    func signals() -> [String] {
        var out: [String] = []
        let waiting = fact(ExtractiveFacts.waiting)
        let reservation = fact(ExtractiveFacts.reservation)
        let occasions = fact(ExtractiveFacts.occasions)?.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.prefix(2).joined(separator: english ? " and " : "·")
        let takeout = fact(ExtractiveFacts.takeout) != nil
        let waitSentence: String? = waiting.map { w in
            if w.hasPrefix(ExtractiveFacts.waitLong) {
                return english ? "Expect a long wait at busy hours, so plan your visit time."
                    : pick(["붐비는 시간에는 웨이팅이 긴 편이라 방문 시간을 잘 고르는 것이 좋다.", "대기가 긴 편이니 시간을 넉넉히 잡고 가는 것을 권한다."])
            } else if w.hasPrefix(ExtractiveFacts.waitSome) {
                return english ? "There is sometimes a short wait." : pick(["시간대에 따라 웨이팅이 생기기도 한다.", "가끔 대기가 생기는 편이다."])
            }
            return english ? "Most visitors get a table right away." : pick(["대부분 기다리지 않고 바로 입장한다.", "기다림 없이 입장하는 경우가 많다."])
        }
        let reservationSentence: String? = reservation.flatMap { r in
            if r.hasPrefix(ExtractiveFacts.reservationMostly) {
                return english ? "Most guests book ahead." : pick(["대부분 예약 후 방문하므로 미리 예약하는 것이 좋다.", "예약 후 찾는 손님이 대부분이다."])
            }
            return nil
        }
        let occasionSentence: String? = occasions.flatMap { o in
            o.isEmpty ? nil : (english ? "Popular for \(o)." : pick(["\(o) 자리로 많이 찾는다.", "주로 \(o) 목적으로 방문한다."]))
        }
        let takeoutSentence: String? = takeout ? (english ? "Take-out is available." : pick(["포장도 가능하다.", "포장 주문도 된다."])) : nil
        switch context.category {
        case "fine_dining_and_susi_omakase":
            out = [reservationSentence, occasionSentence, waitSentence].compactMap { $0 }
        case "waiting_hotplace":
            out = [waitSentence, takeoutSentence, occasionSentence].compactMap { $0 }
        default:
            out = [occasionSentence, takeoutSentence, waitSentence].compactMap { $0 }
        }
        return out
    }
}

/// Korean particle choice by the final sound of a word.
enum KoreanParticle {
    /// Whether the word's last syllable ends in a consonant (`nil` when it is not Hangul or a digit).
    static func hasFinalConsonant(_ word: String) -> Bool? {
        guard let last = word.trimmingCharacters(in: .whitespaces).unicodeScalars.last else { return nil }
        let v = last.value
        if (0xAC00...0xD7A3).contains(v) { return (v - 0xAC00) % 28 != 0 }
        if let digit = Int(String(last)) { return [0, 1, 3, 6, 7, 8].contains(digit) }
        return nil
    }

    /// `word이다` after a consonant, `word다` after a vowel.
    static func copula(_ word: String) -> String {
        (hasFinalConsonant(word) ?? true) ? word + "이다" : word + "다"
    }

    /// `으로` after a consonant other than ㄹ, else `로`.
    static func instrumental(after word: String) -> String {
        guard let last = word.unicodeScalars.last, (0xAC00...0xD7A3).contains(last.value) else { return "(으)로" }
        let final = (last.value - 0xAC00) % 28
        return final == 0 || final == 8 ? "로" : "으로"
    }

    /// `은` after a final consonant, `는` after a vowel (digits and Latin letters by their reading).
    static func topic(after word: String) -> String {
        guard let last = word.trimmingCharacters(in: .whitespaces).unicodeScalars.last else { return "는" }
        let v = last.value
        if (0xAC00...0xD7A3).contains(v) { return (v - 0xAC00) % 28 == 0 ? "는" : "은" }
        if let digit = Int(String(last)) { return [0, 1, 3, 6, 7, 8].contains(digit) ? "은" : "는" }
        let ch = Character(last).lowercased()
        if "aeiouyw".contains(ch) { return "는" }
        if ch.first?.isLetter == true { return "은" }
        return "는"
    }
}
