import Foundation

extension InputMapping {
    /// Converts one parsed row to a ``Shop`` (reviews not yet de-duplicated).
    /// - Throws: ``FieldProblem`` naming the first bad field.
    func shop(from row: RowValue) throws(FieldProblem) -> Shop {
        guard case .object = row else { throw FieldProblem(field: "(row)", reason: "expected a JSON object, got \(row.typeName)") }
        func text(_ name: String) throws(FieldProblem) -> String? {
            try shop[name]?.extract(from: row, name: name)?.text
        }
        guard let id = try text("id") else { throw FieldProblem(field: "id", reason: "not mapped") }
        guard let name = try text("name") else { throw FieldProblem(field: "name", reason: "not mapped") }
        var result = Shop(id: id, name: name)
        result.cuisine = try text("cuisine")
        result.address = try text("address")
        if case .number(let rating)? = try shop["rating"]?.extract(from: row, name: "rating") { result.rating = rating }
        if let badges = try shop["badges"]?.extract(from: row, name: "badges") {
            if case .list(let items) = badges { result.badges = items } else { result.badges = [badges.text] }
        }
        if let categoryText = try text("category") {
            guard let category = ShopCategory(name: categoryText) else {
                let names = ShopCategory.allCases.map(\.rawValue).joined(separator: ", ")
                throw FieldProblem(field: "\(shop["category"]?.sourceName ?? "category") (category)",
                                   reason: "unknown category '\(categoryText)' (known: \(names))")
            }
            result.category = category
        }
        if let objectPath = attributesObject, let object = row.value(at: objectPath) {
            guard case .object(let members) = object else {
                throw FieldProblem(field: objectPath.joined(separator: "."),
                                   reason: "expected an object, got \(object.typeName)")
            }
            for (key, value) in members {
                guard let scalar = value.scalarText else {
                    throw FieldProblem(field: (objectPath + [key]).joined(separator: "."),
                                       reason: "expected a scalar, got \(value.typeName)")
                }
                result.attributes[key] = scalar
            }
        }
        for (key, spec) in attributes {
            if let value = try spec.extract(from: row, name: "attributes.\(key)") { result.attributes[key] = value.text }
        }
        result.reviews = try reviews(from: row)
        return result
    }

    private func reviews(from row: RowValue) throws(FieldProblem) -> [Review] {
        let field = reviewsPath.joined(separator: ".")
        guard let value = row.value(at: reviewsPath), value != .null else {
            throw FieldProblem(field: "\(field) (reviews)", reason: "missing: a shop needs at least one review")
        }
        guard case .array(let items) = value else {
            throw FieldProblem(field: "\(field) (reviews)", reason: "expected an array, got \(value.typeName)")
        }
        var reviews: [Review] = []
        reviews.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object = item else {
                throw FieldProblem(field: "\(field)[\(index)]", reason: "expected an object, got \(item.typeName)")
            }
            let text: String?
            do { text = try review["text"]?.extract(from: item, name: "text")?.text } catch {
                if error.reason.hasPrefix("missing") || error.reason == "empty" { continue }  // empty review: drop
                throw FieldProblem(field: "\(field)[\(index)].\(error.field)", reason: error.reason)
            }
            guard let text else { continue }
            var entry = Review(text: text)
            do {
                entry.date = try review["date"]?.extract(from: item, name: "date")?.text
                entry.author = try review["author"]?.extract(from: item, name: "author")?.text
                for spec in reviewTags {
                    switch try spec.extract(from: item, name: "tags") {
                    case .list(let tags)?: entry.tags += tags
                    case let other?: entry.tags.append(other.text)
                    case nil: break
                    }
                }
            } catch {
                throw FieldProblem(field: "\(field)[\(index)].\(error.field)", reason: error.reason)
            }
            reviews.append(entry)
        }
        if reviews.isEmpty {
            throw FieldProblem(field: "\(field) (reviews)", reason: "no reviews with text")
        }
        return reviews
    }
}
