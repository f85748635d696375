import Foundation

/// Decides a shop's batch category from cuisine words, badges, attributes (reservation and
/// waiting shares) and review tags, by an ordered list of rules; the first rule whose conditions
/// all hold wins, else ``defaultCategory``. The file format is in docs/INPUT.md ("Category rules").
public struct CategoryRules: Sendable, Hashable {
    /// One rule: a name (recorded in outputs), a category and conditions that must all hold.
    public struct Rule: Sendable, Hashable {
        public var name: String
        public var category: ShopCategory
        public var conditions: [Condition]

        public init(name: String, category: ShopCategory, conditions: [Condition]) {
            self.name = name
            self.category = category
            self.conditions = conditions
        }
    }

    /// A test on a shop. Text tests are case-insensitive substring matches.
    public enum Condition: Sendable, Hashable {
        case cuisineContainsAny([String])
        case nameContainsAny([String])
        case badgeContainsAny([String])
        case badgeContainsNone([String])
        /// Attribute parsed as a number is ≥ the value (missing or non-numeric: false).
        case attributeAtLeast(String, Double)
        /// Attribute parsed as a number is < the value (missing or non-numeric: false).
        case attributeBelow(String, Double)
        /// Share of reviews carrying any of the tags is ≥ the value.
        case reviewTagShareAtLeast(tags: [String], share: Double)
        case ratingAtLeast(Double)
    }

    /// Which category a shop got and why.
    public struct Decision: Sendable, Hashable, Codable {
        public var category: ShopCategory
        /// `explicit`, `rule:<name>` or `default`.
        public var source: String
    }

    public var rules: [Rule]
    public var defaultCategory: ShopCategory

    public init(rules: [Rule], defaultCategory: ShopCategory) {
        self.rules = rules
        self.defaultCategory = defaultCategory
    }

    /// The explicit category when the shop has one, else the first matching rule, else the default.
    public func decide(_ shop: Shop) -> Decision {
        if let explicit = shop.category { return Decision(category: explicit, source: "explicit") }
        for rule in rules where rule.conditions.allSatisfy({ Self.holds($0, for: shop) }) {
            return Decision(category: rule.category, source: "rule:\(rule.name)")
        }
        return Decision(category: defaultCategory, source: "default")
    }

    static func holds(_ condition: Condition, for shop: Shop) -> Bool {
        func containsAny(_ text: String?, _ words: [String]) -> Bool {
            guard let text = text?.lowercased() else { return false }
            return words.contains { text.contains($0.lowercased()) }
        }
        func number(_ key: String) -> Double? { shop.attributes[key].flatMap { Double($0) } }
        switch condition {
        case .cuisineContainsAny(let words): return containsAny(shop.cuisine, words)
        case .nameContainsAny(let words): return containsAny(shop.name, words)
        case .badgeContainsAny(let words): return shop.badges.contains { containsAny($0, words) }
        case .badgeContainsNone(let words): return !shop.badges.contains { containsAny($0, words) }
        case .attributeAtLeast(let key, let value): return number(key).map { $0 >= value } ?? false
        case .attributeBelow(let key, let value): return number(key).map { $0 < value } ?? false
        case .ratingAtLeast(let value): return shop.rating.map { $0 >= value } ?? false
        case .reviewTagShareAtLeast(let tags, let share):
            guard !shop.reviews.isEmpty else { return false }
            let wanted = Set(tags)
            let hits = shop.reviews.filter { review in review.tags.contains { wanted.contains($0) } }.count
            return Double(hits) / Double(shop.reviews.count) >= share
        }
    }
}
