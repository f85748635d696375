/// One metadata value: string, integer, float or boolean (Chroma's metadata types).
///
/// Integers and floats compare numerically with each other (`3 == 3.0`); booleans are never
/// numbers (`true != 1`). JSON encoding keeps the type: `3` is an int, `3.0` a double.
public enum MetadataValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    /// The numeric value of `.int` and `.double`, nil otherwise.
    public var numericValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .string, .bool: nil
        }
    }

    /// Equality under filter semantics: numbers compare numerically across int/double.
    public func matches(_ other: MetadataValue) -> Bool {
        switch (self, other) {
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.int, .double), (.double, .int), (.double, .double):
            numericValue == other.numericValue
        default: false
        }
    }

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let i = try? container.decode(Int.self) {
            self = .int(i)
        } else {
            self = .double(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .bool(let b): try container.encode(b)
        }
    }
}

/// Metadata of one record, keyed by field name.
public typealias Metadata = [String: MetadataValue]
