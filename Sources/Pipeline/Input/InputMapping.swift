import Foundation

/// Maps rows of another shape onto the native ``Shop`` schema (see docs/INPUT.md, "Mapping").
/// The native schema is itself a mapping (``InputMapping/native``), so every row goes through
/// one code path with the same validation and error messages.
public struct InputMapping: Sendable, Hashable {
    /// Shop-level fields: `id`, `name`, `cuisine`, `address`, `rating`, `badges`, `category`.
    public var shop: [String: FieldSpec]
    /// Attribute name → spec; values are stored as text in ``Shop/attributes``.
    public var attributes: [String: FieldSpec]
    /// Dotted path of an object whose scalar members are all copied into attributes.
    public var attributesObject: [String]?
    /// Path of the reviews array.
    public var reviewsPath: [String]
    /// Review fields: `text`, `date`, `author`.
    public var review: [String: FieldSpec]
    /// Review tag sources, concatenated in order.
    public var reviewTags: [FieldSpec]

    /// Native shop fields a mapping may set.
    public static let shopFields = ["id", "name", "cuisine", "address", "rating", "badges", "category"]
    /// Native review fields a mapping may set (besides `tags`).
    public static let reviewFields = ["text", "date", "author"]

    /// Creates a mapping; `id`, `name` and review `text` are always required.
    public init(shop: [String: FieldSpec], attributes: [String: FieldSpec] = [:], attributesObject: String? = nil,
                reviewsPath: String = "reviews", review: [String: FieldSpec], reviewTags: [FieldSpec] = []) {
        var shop = shop
        shop["id"]?.required = true
        shop["name"]?.required = true
        var review = review
        review["text"]?.required = true
        self.shop = shop
        self.attributes = attributes
        self.attributesObject = attributesObject?.split(separator: ".").map(String.init)
        self.reviewsPath = reviewsPath.split(separator: ".").map(String.init)
        self.review = review
        self.reviewTags = reviewTags
    }

    /// The identity mapping for the native schema (docs/INPUT.md, "Native schema").
    public static let native = InputMapping(
        shop: ["id": FieldSpec(path: "id"), "name": FieldSpec(path: "name"), "cuisine": FieldSpec(path: "cuisine"),
               "address": FieldSpec(path: "address"), "rating": FieldSpec(path: "rating", type: .number),
               "badges": FieldSpec(path: "badges", type: .list), "category": FieldSpec(path: "category")],
        attributesObject: "attributes",
        review: ["text": FieldSpec(path: "text"), "date": FieldSpec(path: "date"), "author": FieldSpec(path: "author")],
        reviewTags: [FieldSpec(path: "tags", type: .list)])

    // MARK: - Loading

    /// Loads a mapping file.
    /// - Throws: ``PipelineError`` `.inputMissing` or `.invalidMapping` naming the file and field.
    public static func load(from url: URL) throws -> InputMapping {
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PipelineError(code: .inputMissing, message: "mapping file \(file) does not exist or cannot be read")
        }
        let json: RowValue
        do { json = try JSONDecoder().decode(RowValue.self, from: data) } catch {
            throw PipelineError(code: .invalidMapping, message: "mapping file \(file): not valid JSON (\(error))")
        }
        return try parse(json, file: file)
    }

    /// Parses a mapping document.
    static func parse(_ json: RowValue, file: String) throws -> InputMapping {
        func fail(_ field: String, _ why: String) -> PipelineError {
            PipelineError(code: .invalidMapping, message: "mapping file \(file): field '\(field)': \(why)")
        }
        guard case .object(let root) = json else { throw fail("(root)", "expected an object") }
        let knownRoot: Set<String> = ["mapping_version", "description", "shop", "attributes", "attributes_object",
                                      "reviews"]
        if let unknown = root.keys.sorted().first(where: { !knownRoot.contains($0) }) {
            throw fail(unknown, "unknown key (known: \(knownRoot.sorted().joined(separator: ", ")))")
        }
        if let version = root["mapping_version"], version != .number(1) {
            throw fail("mapping_version", "unsupported version \(version.scalarText ?? version.typeName) (expected 1)")
        }
        guard case .object(let shopJSON)? = root["shop"] else { throw fail("shop", "missing or not an object") }
        var shop: [String: FieldSpec] = [:]
        for (name, value) in shopJSON {
            guard shopFields.contains(name) else {
                throw fail("shop.\(name)", "unknown native field (known: \(shopFields.joined(separator: ", ")))")
            }
            let type: FieldSpec.ValueType = name == "rating" ? .number : (name == "badges" ? .list : .string)
            shop[name] = try FieldSpec.parse(value, context: "shop.\(name)", file: file, defaultType: type)
        }
        for needed in ["id", "name"] where shop[needed] == nil { throw fail("shop.\(needed)", "is required") }
        var attributes: [String: FieldSpec] = [:]
        if let attrJSON = root["attributes"] {
            guard case .object(let members) = attrJSON else { throw fail("attributes", "expected an object") }
            for (name, value) in members {
                attributes[name] = try FieldSpec.parse(value, context: "attributes.\(name)", file: file)
            }
        }
        var attributesObject: String?
        if let objectPath = root["attributes_object"] {
            guard case .string(let path) = objectPath, !path.isEmpty else {
                throw fail("attributes_object", "expected a path string")
            }
            attributesObject = path
        }
        guard case .object(let reviewJSON)? = root["reviews"] else {
            throw fail("reviews", "missing or not an object")
        }
        guard case .string(let reviewsPath)? = reviewJSON["path"], !reviewsPath.isEmpty else {
            throw fail("reviews.path", "missing or not a string")
        }
        var review: [String: FieldSpec] = [:]
        var tags: [FieldSpec] = []
        for (name, value) in reviewJSON where name != "path" && name != "comment" {
            if name == "tags" {
                let items: [RowValue]
                if case .array(let array) = value { items = array } else { items = [value] }
                for (index, item) in items.enumerated() {
                    tags.append(try FieldSpec.parse(item, context: "reviews.tags[\(index)]", file: file,
                                                    defaultType: .list))
                }
                continue
            }
            guard reviewFields.contains(name) else {
                throw fail("reviews.\(name)", "unknown review field (known: path, text, date, author, tags)")
            }
            review[name] = try FieldSpec.parse(value, context: "reviews.\(name)", file: file)
        }
        guard review["text"] != nil else { throw fail("reviews.text", "is required") }
        return InputMapping(shop: shop, attributes: attributes, attributesObject: attributesObject,
                            reviewsPath: reviewsPath, review: review, reviewTags: tags)
    }
}
