import Foundation

/// Any JSON value, used to embed user-provided JSON Schemas in requests and to validate outputs.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON text.
    /// - Throws: ``ProviderError`` `.invalidResponse` when the text is not JSON.
    public static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw ProviderError(code: .invalidResponse, message: "not valid JSON (\(text.count) characters)")
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Member lookup for objects.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The string payload, if any.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// Validates JSON values against the subset of JSON Schema that structured output uses:
/// `type`, `properties`, `required`, `items`, `enum`, `minLength`/`maxLength`, `minItems`/`maxItems`,
/// `additionalProperties: false`.
public enum JSONSchemaValidator {
    /// Returns the first violation as a path-qualified message, or nil when `value` matches.
    public static func firstViolation(of value: JSONValue, schema: JSONValue, path: String = "$") -> String? {
        if let type = schema["type"]?.stringValue?.lowercased(), !matches(value, type: type) {
            return "\(path): expected \(type)"
        }
        if case .array(let options)? = schema["enum"], !options.contains(value) {
            return "\(path): not one of the allowed values"
        }
        switch value {
        case .string(let s):
            if case .number(let n)? = schema["minLength"], s.count < Int(n) { return "\(path): shorter than \(Int(n))" }
            if case .number(let n)? = schema["maxLength"], s.count > Int(n) { return "\(path): longer than \(Int(n))" }
        case .array(let items):
            if case .number(let n)? = schema["minItems"], items.count < Int(n) { return "\(path): fewer than \(Int(n)) items" }
            if case .number(let n)? = schema["maxItems"], items.count > Int(n) { return "\(path): more than \(Int(n)) items" }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() {
                    if let v = firstViolation(of: item, schema: itemSchema, path: "\(path)[\(i)]") { return v }
                }
            }
        case .object(let members):
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required where members[name] == nil {
                    return "\(path).\(name): required"
                }
            }
            if case .object(let props)? = schema["properties"] {
                for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                    if let sub = props[name] {
                        if let v = firstViolation(of: member, schema: sub, path: "\(path).\(name)") { return v }
                    } else if case .bool(false)? = schema["additionalProperties"] {
                        return "\(path).\(name): not allowed"
                    }
                }
            }
        default:
            break
        }
        return nil
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null):
            return true
        case ("number", .number): return true
        case ("integer", .number(let n)): return n.rounded() == n
        default: return false
        }
    }
}
