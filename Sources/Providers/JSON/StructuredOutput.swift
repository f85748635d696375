import Foundation

/// Parses model text into a ``SummaryOutput`` and checks it against the request's JSON Schema.
public enum StructuredOutput {
    /// Parses `text` (tolerating a ```json fence); validates against `schema` when given.
    /// - Throws: ``ProviderError`` `.schemaMismatch` naming the first violation.
    public static func parse(_ text: String, schema: String?, context: String) throws -> SummaryOutput {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            body = body.drop(while: { $0 != "\n" }).dropFirst().description
            if let end = body.range(of: "```", options: .backwards) { body = String(body[..<end.lowerBound]) }
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw ProviderError(code: .schemaMismatch, message: "\(context): output is not JSON (\(text.count) characters)")
        }
        if let schema, let schemaValue = try? JSONValue.parse(schema),
           let problem = JSONSchemaValidator.firstViolation(of: value, schema: schemaValue) {
            throw ProviderError(code: .schemaMismatch, message: "\(context): output does not match schema at \(problem)")
        }
        guard case .string(let summary)? = value["summary"],
              !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ProviderError(code: .schemaMismatch, message: "\(context): output has no non-empty \"summary\" string")
        }
        func strings(_ key: String) -> [String] {
            guard case .array(let items)? = value[key] else { return [] }
            return items.compactMap(\.stringValue)
        }
        return SummaryOutput(summary: summary, highlights: strings("highlights"), keywords: strings("keywords"))
    }

    /// The repair instruction appended after a bad output (one retry).
    public static func repairPrompt(problem: String) -> String {
        "The previous answer was rejected: \(problem). Reply again with only a JSON object that satisfies the "
            + "response schema exactly (a non-empty \"summary\" string; no Markdown, no commentary)."
    }

    /// A rough input token estimate for rate limiting (Korean ≈ 1 token per 1-2 characters).
    public static func estimateTokens(_ texts: String...) -> Int {
        texts.reduce(0) { $0 + $1.count } * 2 / 3 + 1
    }
}
