/// A metadata `where` filter with Chroma semantics.
///
/// Semantics (also in docs/FORMAT.md, "Filter semantics"):
/// - `eq`, `in`, `gt`, `gte`, `lt`, `lte` match only rows that **have** the key.
/// - `ne` and `nin` are the exact complements of `eq` and `in`: a row **without** the key
///   matches them (as in Chroma 1.x, where negative operators are computed as "all minus the
///   positive match").
/// - Integers and floats compare numerically (`{"$eq": 3}` matches a stored `3.0`; `{"$gt": 2.5}`
///   matches a stored `3`). Booleans are not numbers (`true` never equals `1`). Strings compare
///   only with strings (range operators compare strings by Unicode scalar order).
/// - `and([])` matches everything, `or([])` nothing.
public indirect enum MetadataFilter: Sendable, Hashable {
    case eq(String, MetadataValue)
    case ne(String, MetadataValue)
    case gt(String, MetadataValue)
    case gte(String, MetadataValue)
    case lt(String, MetadataValue)
    case lte(String, MetadataValue)
    case `in`(String, [MetadataValue])
    case nin(String, [MetadataValue])
    case and([MetadataFilter])
    case or([MetadataFilter])

    /// Whether a row with `metadata` passes the filter.
    public func matches(_ metadata: Metadata) -> Bool {
        switch self {
        case .eq(let key, let value):
            guard let stored = metadata[key] else { return false }
            return stored.matches(value)
        case .ne(let key, let value):
            guard let stored = metadata[key] else { return true }
            return !stored.matches(value)
        case .gt(let key, let value): return Self.compare(metadata[key], value) { $0 > 0 }
        case .gte(let key, let value): return Self.compare(metadata[key], value) { $0 >= 0 }
        case .lt(let key, let value): return Self.compare(metadata[key], value) { $0 < 0 }
        case .lte(let key, let value): return Self.compare(metadata[key], value) { $0 <= 0 }
        case .in(let key, let values):
            guard let stored = metadata[key] else { return false }
            return values.contains { stored.matches($0) }
        case .nin(let key, let values):
            guard let stored = metadata[key] else { return true }
            return !values.contains { stored.matches($0) }
        case .and(let filters): return filters.allSatisfy { $0.matches(metadata) }
        case .or(let filters): return filters.contains { $0.matches(metadata) }
        }
    }

    /// Three-way comparison of a stored value with an operand; false when they are not comparable.
    private static func compare(_ stored: MetadataValue?, _ operand: MetadataValue, _ test: (Int) -> Bool) -> Bool {
        guard let stored else { return false }
        if let a = stored.numericValue, let b = operand.numericValue {
            if case .int(let x) = stored, case .int(let y) = operand { return test(x < y ? -1 : (x > y ? 1 : 0)) }
            if a.isNaN || b.isNaN { return false }
            return test(a < b ? -1 : (a > b ? 1 : 0))
        }
        if case .string(let a) = stored, case .string(let b) = operand {
            let x = Array(a.unicodeScalars.map(\.value)), y = Array(b.unicodeScalars.map(\.value))
            return test(x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1))
        }
        return false
    }
}

/// A `where_document` filter: substring tests on the stored document (byte-exact, case-sensitive).
///
/// A row without a document fails `contains` and passes `notContains`.
public indirect enum DocumentFilter: Sendable, Hashable {
    case contains(String)
    case notContains(String)
    case and([DocumentFilter])
    case or([DocumentFilter])

    /// Whether a row with `document` passes the filter.
    public func matches(_ document: String?) -> Bool {
        switch self {
        case .contains(let needle):
            guard let document else { return false }
            return Self.contains(document, needle)
        case .notContains(let needle):
            guard let document else { return true }
            return !Self.contains(document, needle)
        case .and(let filters): return filters.allSatisfy { $0.matches(document) }
        case .or(let filters): return filters.contains { $0.matches(document) }
        }
    }

    private static func contains(_ haystack: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        return haystack.utf8.firstRange(of: needle.utf8) != nil
    }
}
