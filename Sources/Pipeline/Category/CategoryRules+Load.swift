import Foundation

extension CategoryRules {
    /// Loads a rules file (`config/category-rules.json`).
    /// - Throws: ``PipelineError`` `.inputMissing` or `.invalidRules` naming the file and field.
    public static func load(from url: URL) throws -> CategoryRules {
        let file = url.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PipelineError(code: .inputMissing, message: "rules file \(file) does not exist or cannot be read")
        }
        let json: RowValue
        do { json = try JSONDecoder().decode(RowValue.self, from: data) } catch {
            throw PipelineError(code: .invalidRules, message: "rules file \(file): not valid JSON (\(error))")
        }
        return try parse(json, file: file)
    }

    static func parse(_ json: RowValue, file: String) throws -> CategoryRules {
        func fail(_ field: String, _ why: String) -> PipelineError {
            PipelineError(code: .invalidRules, message: "rules file \(file): field '\(field)': \(why)")
        }
        func category(_ value: RowValue?, _ field: String) throws -> ShopCategory {
            guard case .string(let name)? = value else { throw fail(field, "missing or not a string") }
            guard let category = ShopCategory(name: name) else {
                throw fail(field, "unknown category '\(name)' (known: "
                    + ShopCategory.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            return category
        }
        func strings(_ value: RowValue, _ field: String) throws -> [String] {
            guard case .array(let items) = value, !items.isEmpty else { throw fail(field, "expected a non-empty array of strings") }
            return try items.map {
                guard case .string(let s) = $0, !s.isEmpty else { throw fail(field, "expected a non-empty array of strings") }
                return s
            }
        }
        func numberMap(_ value: RowValue, _ field: String) throws -> [(String, Double)] {
            guard case .object(let members) = value, !members.isEmpty else {
                throw fail(field, "expected an object of attribute → number")
            }
            return try members.keys.sorted().map { key in
                guard case .number(let d)? = members[key] else { throw fail("\(field).\(key)", "expected a number") }
                return (key, d)
            }
        }
        guard case .object(let root) = json else { throw fail("(root)", "expected an object") }
        if let version = root["rules_version"], version != .number(1) {
            throw fail("rules_version", "unsupported version (expected 1)")
        }
        let defaultCategory = try category(root["default"], "default")
        guard case .array(let ruleItems)? = root["rules"] else { throw fail("rules", "missing or not an array") }
        var rules: [Rule] = []
        for (index, item) in ruleItems.enumerated() {
            let base = "rules[\(index)]"
            guard case .object(let members) = item else { throw fail(base, "expected an object") }
            guard case .string(let name)? = members["name"], !name.isEmpty else {
                throw fail("\(base).name", "missing or not a string")
            }
            let ruleCategory = try category(members["category"], "\(base).category")
            guard case .object(let when)? = members["when"], !when.isEmpty else {
                throw fail("\(base).when", "missing or empty: a rule needs at least one condition")
            }
            var conditions: [Condition] = []
            for key in when.keys.sorted() {
                let field = "\(base).when.\(key)"
                guard let value = when[key] else { continue }
                switch key {
                case "cuisine_contains_any": conditions.append(.cuisineContainsAny(try strings(value, field)))
                case "name_contains_any": conditions.append(.nameContainsAny(try strings(value, field)))
                case "badge_contains_any": conditions.append(.badgeContainsAny(try strings(value, field)))
                case "badge_contains_none": conditions.append(.badgeContainsNone(try strings(value, field)))
                case "attribute_at_least": conditions += try numberMap(value, field).map { .attributeAtLeast($0.0, $0.1) }
                case "attribute_below": conditions += try numberMap(value, field).map { .attributeBelow($0.0, $0.1) }
                case "rating_at_least":
                    guard case .number(let d) = value else { throw fail(field, "expected a number") }
                    conditions.append(.ratingAtLeast(d))
                case "review_tag_share_at_least":
                    guard case .object(let spec) = value, let tagsValue = spec["tags"],
                          case .number(let share)? = spec["share"], (0...1).contains(share)
                    else { throw fail(field, "expected {\"tags\": [...], \"share\": 0..1}") }
                    conditions.append(.reviewTagShareAtLeast(tags: try strings(tagsValue, "\(field).tags"), share: share))
                default:
                    throw fail(field, "unknown condition (known: cuisine_contains_any, name_contains_any, "
                        + "badge_contains_any, badge_contains_none, attribute_at_least, attribute_below, "
                        + "rating_at_least, review_tag_share_at_least)")
                }
            }
            rules.append(Rule(name: name, category: ruleCategory, conditions: conditions))
        }
        return CategoryRules(rules: rules, defaultCategory: defaultCategory)
    }
}
