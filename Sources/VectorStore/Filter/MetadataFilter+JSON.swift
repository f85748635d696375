extension MetadataFilter {
    /// Parses Chroma's JSON `where` syntax: `{"cuisine": "한식"}`, `{"rating": {"$gte": 4}}`,
    /// `{"$and": [...]}`, `{"$or": [...]}`; several keys in one object are an implicit `$and`.
    /// - Throws: ``StorageError`` with code `.invalidFilter` naming the problem.
    public init(json: String) throws {
        let value: JSONValue
        do { value = try JSONValue(parsing: json) } catch { throw StorageError.filter("not JSON: \(error)") }
        self = try MetadataFilter(jsonValue: value)
    }

    /// Parses an already-parsed JSON `where` object.
    public init(jsonValue: JSONValue) throws {
        guard case .object(let members) = jsonValue, !members.isEmpty else {
            throw StorageError.filter("a where filter must be a non-empty JSON object")
        }
        let parts = try members.map { try Self.parseMember(key: $0.0, value: $0.1) }
        self = parts.count == 1 ? parts[0] : .and(parts)
    }

    private static func parseMember(key: String, value: JSONValue) throws -> MetadataFilter {
        if key == "$and" || key == "$or" {
            guard case .array(let items) = value, !items.isEmpty else {
                throw StorageError.filter("\(key) needs a non-empty array of filters")
            }
            let filters = try items.map { try MetadataFilter(jsonValue: $0) }
            return key == "$and" ? .and(filters) : .or(filters)
        }
        if key.hasPrefix("$") { throw StorageError.filter("unknown logical operator '\(key)'") }
        if let scalar = value.metadataValue { return .eq(key, scalar) }
        guard case .object(let ops) = value, !ops.isEmpty else {
            throw StorageError.filter("value of '\(key)' must be a string, number, bool or an operator object")
        }
        let parts = try ops.map { try parseOperator(key: key, op: $0.0, operand: $0.1) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private static func parseOperator(key: String, op: String, operand: JSONValue) throws -> MetadataFilter {
        switch op {
        case "$in", "$nin":
            // Chroma rejects an empty list too: `$nin: []` would match every row (a delete would empty the collection).
            guard case .array(let items) = operand, !items.isEmpty else {
                throw StorageError.filter("\(op) on '\(key)' needs a non-empty array")
            }
            let values = try items.map { item -> MetadataValue in
                guard let v = item.metadataValue else {
                    throw StorageError.filter("\(op) on '\(key)' accepts only strings, numbers and bools")
                }
                return v
            }
            return op == "$in" ? .in(key, values) : .nin(key, values)
        case "$eq", "$ne":
            guard let v = operand.metadataValue else {
                throw StorageError.filter("\(op) on '\(key)' needs a string, number or bool")
            }
            return op == "$eq" ? .eq(key, v) : .ne(key, v)
        case "$gt", "$gte", "$lt", "$lte":
            guard let v = operand.metadataValue, v.numericValue != nil else {
                throw StorageError.filter("\(op) on '\(key)' needs a number")
            }
            switch op {
            case "$gt": return .gt(key, v)
            case "$gte": return .gte(key, v)
            case "$lt": return .lt(key, v)
            default: return .lte(key, v)
            }
        default:
            throw StorageError.filter("unknown operator '\(op)' on '\(key)'")
        }
    }
}

extension DocumentFilter {
    /// Parses Chroma's `where_document` syntax: `{"$contains": "x"}`, `{"$not_contains": "y"}`,
    /// `{"$and": [...]}`, `{"$or": [...]}`.
    /// - Throws: ``StorageError`` with code `.invalidFilter`.
    public init(json: String) throws {
        let value: JSONValue
        do { value = try JSONValue(parsing: json) } catch { throw StorageError.filter("not JSON: \(error)") }
        self = try DocumentFilter(jsonValue: value)
    }

    /// Parses an already-parsed JSON `where_document` object.
    public init(jsonValue: JSONValue) throws {
        guard case .object(let members) = jsonValue, members.count == 1, let (op, operand) = members.first else {
            throw StorageError.filter("a document filter must be an object with exactly one operator")
        }
        switch op {
        case "$contains", "$not_contains":
            // Chroma rejects "" too: every document contains it (a delete would remove every row with a document).
            guard case .string(let text) = operand, !text.isEmpty else { throw StorageError.filter("\(op) needs a non-empty string") }
            self = op == "$contains" ? .contains(text) : .notContains(text)
        case "$and", "$or":
            guard case .array(let items) = operand, !items.isEmpty else {
                throw StorageError.filter("\(op) needs a non-empty array")
            }
            let filters = try items.map { try DocumentFilter(jsonValue: $0) }
            self = op == "$and" ? .and(filters) : .or(filters)
        default:
            throw StorageError.filter("unknown document operator '\(op)'")
        }
    }
}
