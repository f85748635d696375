import Foundation

/// The three batch categories. Each has its own example collection and prompt.
public enum ShopCategory: String, Sendable, Codable, CaseIterable, Hashable {
    case fineDining = "fine_dining_and_susi_omakase"
    case casualDining = "low_to_mid_price_dining"
    case waitingHotplace = "waiting_hotplace"

    /// Name of the vector-store collection holding this category's curated examples.
    public var examplesCollection: String { "\(rawValue)_examples" }

    /// Parses a category name (also accepts the collection name).
    public init?(name: String) {
        let trimmed = name.hasSuffix("_examples") ? String(name.dropLast("_examples".count)) : name
        self.init(rawValue: trimmed)
    }
}

/// One visitor review in the native schema.
public struct Review: Sendable, Codable, Hashable {
    /// Review text.
    public var text: String
    /// Visit or post date as given (`YYYY-MM-DD` preferred).
    public var date: String?
    /// Visit context and keyword tags, e.g. `저녁에 방문`, `예약 후 이용`, `음식이 맛있어요`.
    public var tags: [String]
    /// Reviewer handle (used only for de-duplication; never written to summaries).
    public var author: String?

    public init(text: String, date: String? = nil, tags: [String] = [], author: String? = nil) {
        self.text = text
        self.date = date
        self.tags = tags
        self.author = author
    }
}

/// A shop in the native input schema (see docs/INPUT.md); other shapes map onto it.
public struct Shop: Sendable, Codable, Hashable {
    /// Stable unique id (string).
    public var id: String
    /// Display name.
    public var name: String
    /// Cuisine / category text, e.g. `스시,오마카세`.
    public var cuisine: String?
    /// Street address.
    public var address: String?
    /// Average rating, when known.
    public var rating: Double?
    /// Other facts as text: opening hours, services, review counts, shares of waits …
    public var attributes: [String: String]
    /// Badges such as Michelin marks or a tagline.
    public var badges: [String]
    /// Explicit category when the input has one; otherwise decided by rules.
    public var category: ShopCategory?
    /// Reviews, newest first when dates are known.
    public var reviews: [Review]

    public init(id: String, name: String, cuisine: String? = nil, address: String? = nil, rating: Double? = nil,
                attributes: [String: String] = [:], badges: [String] = [], category: ShopCategory? = nil,
                reviews: [Review] = []) {
        self.id = id
        self.name = name
        self.cuisine = cuisine
        self.address = address
        self.rating = rating
        self.attributes = attributes
        self.badges = badges
        self.category = category
        self.reviews = reviews
    }
}

/// A curated example summary (few-shot material) stored in `<category>_examples`.
public struct ExampleSummary: Sendable, Codable, Hashable {
    /// Unique id within its collection.
    public var id: String
    /// Category the example belongs to.
    public var category: ShopCategory
    /// Name of the shop the example describes.
    public var shopName: String
    /// Cuisine text, when known (used for retrieval text).
    public var cuisine: String?
    /// The summary text itself.
    public var summary: String
    /// Free tags (e.g. `fictional`, `omakase`).
    public var tags: [String]

    public init(id: String, category: ShopCategory, shopName: String, cuisine: String? = nil, summary: String,
                tags: [String] = []) {
        self.id = id
        self.category = category
        self.shopName = shopName
        self.cuisine = cuisine
        self.summary = summary
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case id, category, cuisine, summary, tags
        case shopName = "shop_name"
        case shopNameCamel = "shopName"
    }

    /// Decodes `shop_name` (the file format) or `shopName`; `tags` and `cuisine` are optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        category = try container.decode(ShopCategory.self, forKey: .category)
        if let name = try container.decodeIfPresent(String.self, forKey: .shopName) {
            shopName = name
        } else {
            shopName = try container.decode(String.self, forKey: .shopNameCamel)
        }
        cuisine = try container.decodeIfPresent(String.self, forKey: .cuisine)
        summary = try container.decode(String.self, forKey: .summary)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }

    /// Encodes with snake_case `shop_name`, the JSON Lines file format.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(category, forKey: .category)
        try container.encode(shopName, forKey: .shopName)
        try container.encodeIfPresent(cuisine, forKey: .cuisine)
        try container.encode(summary, forKey: .summary)
        try container.encode(tags, forKey: .tags)
    }
}
