import Foundation

/// A parsed JSON value, used to read input rows of any shape before mapping them.
public enum RowValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([RowValue])
    case object([String: RowValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([RowValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: RowValue].self))
        }
    }

    /// JSON type name for error messages: `string`, `number`, `object` …
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Follows a dotted path (`a.b.c`) through objects; nil when any step is missing.
    public func value(at path: [String]) -> RowValue? {
        var current = self
        for key in path {
            guard case .object(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }

    /// Scalar rendered as text (numbers without a trailing `.0` when integral); nil for containers/null.
    public var scalarText: String? {
        switch self {
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .number(let d): Self.format(d)
        default: nil
        }
    }

    /// Formats a number: integral values without a fractional part.
    static func format(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 9.007_199_254_740_992e15 { return String(Int64(d)) }
        return String(d)
    }
}
