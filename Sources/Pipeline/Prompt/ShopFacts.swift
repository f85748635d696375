import Foundation
import Providers

/// Derives the structured ``SummaryContext`` of a shop: key facts (cuisine, area, rating, badges,
/// waiting, reservation, take-out, occasions, keywords), de-duplicated reviews and the input
/// language. Every fact is computed from the shop's own fields, so numbers in facts are input numbers.
public struct ShopFacts: Sendable {
    /// Limits for the context.
    public struct Configuration: Sendable {
        /// At most this many reviews go into the prompt.
        public var maxReviews: Int = 12
        /// Reviews are cut to this many characters.
        public var maxReviewCharacters: Int = 400
        /// Creates a configuration.
        public init() {}
    }

    /// The configuration in use.
    public var configuration: Configuration

    /// Creates a facts builder.
    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// Visit-context tags that describe an occasion, and how a summary names them.
    private static let occasionNames: [String: String] = [
        "데이트": "데이트", "기념일": "기념일", "혼자": "혼밥", "가족모임": "가족 모임", "회식": "회식",
        "비즈니스": "비즈니스 미팅", "친목": "친목 모임", "나들이": "나들이", "여행": "여행", "아이": "아이 동반",
        "부모님": "부모님과의 식사", "친구": "친구 모임",
    ]
    private static let longWaitTags = ["대기 시간 30분 이상", "대기 시간 1시간 이상", "대기 시간 2시간 이상"]
    private static let someWaitTags = ["대기 시간 10분 이내", "대기 시간 30분 이내"]

    /// The language of the shop's reviews: `ko` when Hangul dominates the letters, else `en`.
    public static func language(of shop: Shop) -> String {
        var hangul = 0, latin = 0
        for review in shop.reviews.prefix(20) {
            for s in review.text.unicodeScalars {
                if (0xAC00...0xD7A3).contains(s.value) { hangul += 1 } else if s.isASCII, CharacterSet.letters.contains(s) { latin += 1 }
            }
        }
        return hangul * 2 >= latin ? "ko" : "en"
    }

    /// Reviews with exact duplicates (same text) removed, order kept, cut to the configured limits.
    public func reviewTexts(of shop: Shop) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for review in shop.reviews {
            let text = review.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, seen.insert(text).inserted else { continue }
            out.append(text.count > configuration.maxReviewCharacters ? String(text.prefix(configuration.maxReviewCharacters)) : text)
            if out.count == configuration.maxReviews { break }
        }
        return out
    }

    /// City and district from the address (`서울 강남구 도산대로 12` → `서울 강남구`).
    public static func area(of address: String?) -> String? {
        guard let address else { return nil }
        let words = address.split(separator: " ").map(String.init)
        guard words.count >= 2 else { return words.first }
        return words[0...1].joined(separator: " ")
    }

    /// A rating as text without a trailing `.0`-less surprise (`4.25`, `4.8`, `4`).
    public static func ratingText(_ rating: Double?) -> String? {
        guard let rating, rating > 0, rating.isFinite else { return nil }
        if rating == rating.rounded() { return String(Int(rating)) }
        return String(rating)
    }

    /// The key facts of `shop` in display order.
    public func facts(of shop: Shop) -> [SummaryContext.Fact] {
        typealias Fact = SummaryContext.Fact
        var facts: [Fact] = []
        if let cuisine = shop.cuisine, !cuisine.isEmpty { facts.append(Fact(label: ExtractiveFacts.cuisine, value: cuisine)) }
        if let area = Self.area(of: shop.address) { facts.append(Fact(label: ExtractiveFacts.area, value: area)) }
        if let address = shop.address, !address.isEmpty { facts.append(Fact(label: ExtractiveFacts.address, value: address)) }
        if let rating = Self.ratingText(shop.rating) { facts.append(Fact(label: ExtractiveFacts.rating, value: rating)) }
        let badges = shop.badges.filter { !$0.isEmpty && $0 != "N/A" }.map(Self.normalizedBadge)
        if !badges.isEmpty { facts.append(Fact(label: ExtractiveFacts.badges, value: badges.joined(separator: ", "))) }
        let tags = shop.reviews.map { Set($0.tags.map { $0.trimmingCharacters(in: .whitespaces) }) }
        if let waiting = waitingFact(shop: shop, tags: tags) { facts.append(Fact(label: ExtractiveFacts.waiting, value: waiting)) }
        if let reservation = reservationFact(shop: shop, tags: tags) { facts.append(Fact(label: ExtractiveFacts.reservation, value: reservation)) }
        let services = shop.attributes.first { $0.key.lowercased().contains("service") }?.value ?? ""
        if services.contains("포장") || tags.contains(where: { $0.contains("포장·배달 이용") }) || services.lowercased().contains("take") {
            facts.append(Fact(label: ExtractiveFacts.takeout, value: "가능"))
        }
        let occasions = topTags(tags, among: Array(Self.occasionNames.keys), limit: 3).compactMap { Self.occasionNames[$0] }
        if !occasions.isEmpty { facts.append(Fact(label: ExtractiveFacts.occasions, value: occasions.joined(separator: ", "))) }
        let keywordTags = topTags(tags, limit: 3) { $0.hasSuffix("요") && !$0.hasPrefix("대기") && !$0.contains("방문") }
        if !keywordTags.isEmpty { facts.append(Fact(label: ExtractiveFacts.keywords, value: keywordTags.joined(separator: ", "))) }
        return facts
    }

    /// Michelin badges as crawled (`1스타 - 요리가 훌륭한 레스토랑미쉐린 가이드 서울 2025`) become
    /// `미쉐린 가이드 1스타` / `미쉐린 가이드 빕구르망` / `미쉐린 가이드`; other badges are kept.
    public static func normalizedBadge(_ badge: String) -> String {
        guard badge.contains("미쉐린") else { return badge.trimmingCharacters(in: .whitespaces) }
        if badge.contains("빕구르망") { return "미쉐린 가이드 빕구르망" }
        if let range = badge.range(of: #"[1-3]스타"#, options: .regularExpression) {
            return "미쉐린 가이드 \(badge[range])"
        }
        return "미쉐린 가이드"
    }

    private func share(_ shop: Shop, containing needle: String) -> Double? {
        shop.attributes.first { $0.key.lowercased().contains(needle) }.flatMap { Double($0.value) }
    }

    private func waitingFact(shop: Shop, tags: [Set<String>]) -> String? {
        let long = tags.filter { !$0.isDisjoint(with: Self.longWaitTags) }.count
        let some = tags.filter { !$0.isDisjoint(with: Self.someWaitTags) }.count
        let none = tags.filter { $0.contains("대기 시간 바로 입장") }.count
        let tagged = long + some + none
        let share30 = share(shop, containing: "wait_30")
        let shareAny = share(shop, containing: "any_wait")
        guard tagged > 0 || share30 != nil || shareAny != nil else { return nil }
        let level: String
        if (share30 ?? 0) >= 0.2 || (tagged > 0 && Double(long) / Double(tagged) >= 0.25) {
            level = ExtractiveFacts.waitLong
        } else if (shareAny ?? 0) >= 0.3 || (tagged > 0 && Double(long + some) / Double(tagged) >= 0.25) {
            level = ExtractiveFacts.waitSome
        } else {
            level = ExtractiveFacts.waitNone
        }
        var details: [String] = []
        var mentioned: [String] = []
        if long > 0 { mentioned.append("30분 이상 대기") }
        if some > 0 { mentioned.append("짧은 대기") }
        if none > 0 { mentioned.append("바로 입장") }
        if !mentioned.isEmpty { details.append("리뷰 태그: " + mentioned.joined(separator: ", ")) }
        if let share30 { details.append("30분 이상 대기 비율 \(Self.percent(share30))") }
        return details.isEmpty ? level : "\(level) (\(details.joined(separator: "; ")))"
    }

    private func reservationFact(shop: Shop, tags: [Set<String>]) -> String? {
        let booked = tags.filter { $0.contains("예약 후 이용") }.count
        let walkIn = tags.filter { $0.contains("예약 없이 이용") }.count
        let shareReservation = share(shop, containing: "reservation")
        guard booked + walkIn > 0 || shareReservation != nil else { return nil }
        let ratio = shareReservation ?? (Double(booked) / Double(max(1, booked + walkIn)))
        let level = ratio >= 0.5 ? ExtractiveFacts.reservationMostly
            : ratio >= 0.2 ? ExtractiveFacts.reservationSome : ExtractiveFacts.reservationRare
        var details = booked >= walkIn ? "예약 후 이용 태그가 더 많음" : "예약 없이 이용 태그가 더 많음"
        if let shareReservation { details += "; 예약 비율 \(Self.percent(shareReservation))" }
        return "\(level) (\(details))"
    }

    private static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    private func topTags(_ tags: [Set<String>], among allowed: [String]? = nil, limit: Int,
                         where accept: (String) -> Bool = { _ in true }) -> [String] {
        var counts: [String: Int] = [:]
        for set in tags {
            for tag in set where accept(tag) && (allowed?.contains(tag) ?? true) { counts[tag, default: 0] += 1 }
        }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit).map(\.key)
    }

    /// The full context for a generator.
    public func context(shop: Shop, category: ShopCategory, examples: [ExampleSummary],
                        defaultTargetLength: Int) -> SummaryContext {
        let lengths = examples.map { $0.summary.count }
        let target = lengths.isEmpty ? defaultTargetLength : lengths.reduce(0, +) / lengths.count
        return SummaryContext(shopName: shop.name, category: category.rawValue, facts: facts(of: shop),
                              reviews: reviewTexts(of: shop), exampleSummaries: examples.map(\.summary),
                              language: Self.language(of: shop), targetLength: target)
    }
}
