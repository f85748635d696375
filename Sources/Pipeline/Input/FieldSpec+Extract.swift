import Foundation

/// A converted field value.
enum FieldValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    case bool(Bool)
    case list([String])

    /// The value rendered as text (lists joined with `, `).
    var text: String {
        switch self {
        case .text(let s): s
        case .number(let d): RowValue.format(d)
        case .bool(let b): b ? "true" : "false"
        case .list(let items): items.joined(separator: ", ")
        }
    }
}

/// Why one field of a row could not be read; becomes an ``InputIssue`` with file and line.
struct FieldProblem: Error, Sendable {
    var field: String
    var reason: String
}

extension FieldSpec {
    /// Reads and converts the value; nil when absent or ignored.
    /// - Parameter name: the native field name, used in error messages with the source path.
    func extract(from row: RowValue, name: String) throws(FieldProblem) -> FieldValue? {
        let raw: RowValue?
        if let constant { raw = constant } else if let path { raw = row.value(at: path) } else { raw = nil }
        let field = path == nil ? name : "\(sourceName) (\(name))"
        guard let raw, raw != .null else {
            if required { throw FieldProblem(field: field, reason: "missing") }
            return nil
        }
        if let text = raw.scalarText, ignore.contains(text) || (text.isEmpty && type != .string) {
            if required { throw FieldProblem(field: field, reason: "missing (value '\(text)' means none)") }
            return nil
        }
        switch type {
        case .string:
            guard let text = raw.scalarText else {
                throw FieldProblem(field: field, reason: "expected a string, got \(raw.typeName)")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                if required { throw FieldProblem(field: field, reason: "empty") }
                return nil
            }
            return .text(trimmed)
        case .number, .integer:
            let number: Double?
            switch raw {
            case .number(let d): number = d
            case .string(let s):
                number = Double(s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ""))
            default: number = nil
            }
            guard let number, number.isFinite else {
                let shown = raw.scalarText.map { " '\($0.prefix(40))'" } ?? ""
                throw FieldProblem(field: field, reason: "expected a \(type.rawValue), got \(raw.typeName)\(shown)")
            }
            if type == .integer, number.rounded() != number {
                throw FieldProblem(field: field, reason: "expected an integer, got \(RowValue.format(number))")
            }
            return .number(number)
        case .boolean:
            switch raw {
            case .bool(let b): return .bool(b)
            case .string(let s) where ["true", "false", "yes", "no", "1", "0"].contains(s.lowercased()):
                return .bool(["true", "yes", "1"].contains(s.lowercased()))
            case .number(let d) where d == 0 || d == 1: return .bool(d == 1)
            default: throw FieldProblem(field: field, reason: "expected a boolean, got \(raw.typeName)")
            }
        case .list:
            var items: [String]
            switch raw {
            case .array(let elements):
                items = []
                for element in elements {
                    guard let text = element.scalarText else {
                        throw FieldProblem(field: field, reason: "expected a list of strings, found \(element.typeName)")
                    }
                    items.append(text)
                }
            case .string(let s):
                items = s.components(separatedBy: separator)
            case .number, .bool:
                items = [raw.scalarText ?? ""]
            default:
                throw FieldProblem(field: field, reason: "expected a list or a separated string, got \(raw.typeName)")
            }
            items = items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty && !ignore.contains($0) }
            if items.isEmpty {
                if required { throw FieldProblem(field: field, reason: "empty list") }
                return nil
            }
            return .list(items)
        }
    }
}
