import Foundation

/// How one native field is read from an input row: a dotted path or a constant, a value type,
/// and conversions (string → number, separated string → list, ignored placeholder values).
public struct FieldSpec: Sendable, Hashable {
    /// Value type after conversion.
    public enum ValueType: String, Sendable, Hashable, CaseIterable {
        case string, number, integer, boolean, list
    }

    /// Dotted path into the row (`reviews`, `meta.rating`); nil when `constant` is set.
    public var path: [String]?
    /// A constant used instead of reading the row.
    public var constant: RowValue?
    /// Target type.
    public var type: ValueType
    /// Separator when a `list` comes as one string (default `,`).
    public var separator: String
    /// Values treated as absent (e.g. `N/A`, empty strings always are).
    public var ignore: Set<String>
    /// Whether a missing value makes the row invalid.
    public var required: Bool

    /// Creates a spec reading `path` (dotted) as `type`.
    public init(path: String, type: ValueType = .string, separator: String = ",", ignore: Set<String> = [],
                required: Bool = false) {
        self.path = path.split(separator: ".").map(String.init)
        self.constant = nil
        self.type = type
        self.separator = separator
        self.ignore = ignore
        self.required = required
    }

    /// Creates a spec that always yields `constant`.
    public init(constant: RowValue, type: ValueType = .string) {
        self.path = nil
        self.constant = constant
        self.type = type
        self.separator = ","
        self.ignore = []
        self.required = false
    }

    /// The source name shown in errors: the path, or `const`.
    public var sourceName: String { path?.joined(separator: ".") ?? "const" }

    // MARK: - Parsing the mapping file

    /// Parses a spec: either a string (shorthand for `{"path": …}`) or an object with
    /// `path`|`const`, `type`, `separator`, `ignore`, `required`.
    static func parse(_ json: RowValue, context: String, file: String, defaultType: ValueType = .string)
        throws -> FieldSpec
    {
        func fail(_ why: String) -> PipelineError {
            PipelineError(code: .invalidMapping, message: "mapping file \(file): field '\(context)': \(why)")
        }
        if case .string(let path) = json {
            guard !path.isEmpty else { throw fail("path is empty") }
            return FieldSpec(path: path, type: defaultType)
        }
        guard case .object(let members) = json else {
            throw fail("expected a path string or an object, got \(json.typeName)")
        }
        let known: Set<String> = ["path", "const", "type", "separator", "ignore", "required", "comment"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail("unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        var type = defaultType
        if let typeValue = members["type"] {
            guard case .string(let name) = typeValue, let parsed = ValueType(rawValue: name) else {
                let names = ValueType.allCases.map(\.rawValue).joined(separator: "|")
                throw fail("'type' must be one of \(names)")
            }
            type = parsed
        }
        var spec: FieldSpec
        switch (members["path"], members["const"]) {
        case (.string(let path)?, nil) where !path.isEmpty:
            spec = FieldSpec(path: path, type: type)
        case (nil, let constant?):
            spec = FieldSpec(constant: constant, type: type)
        case (_?, _?):
            throw fail("give either 'path' or 'const', not both")
        case (let other?, nil):
            throw fail("'path' must be a non-empty string, got \(other.typeName)")
        case (nil, nil):
            throw fail("needs 'path' or 'const'")
        }
        if let sep = members["separator"] {
            guard case .string(let s) = sep, !s.isEmpty else { throw fail("'separator' must be a non-empty string") }
            spec.separator = s
        }
        if let ignore = members["ignore"] {
            guard case .array(let items) = ignore else { throw fail("'ignore' must be an array of strings") }
            spec.ignore = Set(try items.map { item -> String in
                guard case .string(let s) = item else { throw fail("'ignore' must be an array of strings") }
                return s
            })
        }
        if let required = members["required"] {
            guard case .bool(let b) = required else { throw fail("'required' must be true or false") }
            spec.required = b
        }
        return spec
    }
}
