import Foundation

/// Errors of the quality layer (prompts, example selection, evaluation). A code, a message with
/// context (file, line, field), an optional cause and a `shortDescription` for logs.
public struct PipelineQualityError: Error, Sendable, CustomStringConvertible {
    /// Error kind; a struct wrapping a private enum so cases can be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable { case badPrompt, badInput, missingInput, exampleSearch, generationFailed }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// A prompt file could not be parsed.
        public static let badPrompt = Code(.badPrompt)
        /// An input file (run output, examples) has a bad line.
        public static let badInput = Code(.badInput)
        /// An input file or directory does not exist.
        public static let missingInput = Code(.missingInput)
        /// Retrieving examples failed.
        public static let exampleSearch = Code(.exampleSearch)
        /// Generation failed after the guarded retry.
        public static let generationFailed = Code(.generationFailed)
        public var description: String {
            switch value {
            case .badPrompt: "bad prompt"
            case .badInput: "bad input"
            case .missingInput: "missing input"
            case .exampleSearch: "example search failed"
            case .generationFailed: "generation failed"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// Human message with context.
    public var message: String
    /// File path, when one is involved.
    public var path: String?
    /// Underlying error.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, path: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    /// Stable text without values, for logs and metrics.
    public var shortDescription: String { code.description }

    public var description: String {
        var s = "\(code): \(message)"
        if let cause { s += " (cause: \(cause))" }
        return s
    }

    static func badPrompt(source: String, reason: String) -> PipelineQualityError {
        PipelineQualityError(code: .badPrompt, message: "prompt \(source): \(reason)", path: source)
    }

    static func badInput(path: String, line: Int, reason: String) -> PipelineQualityError {
        PipelineQualityError(code: .badInput, message: "\(path):\(line): \(reason)", path: path)
    }

    static func missingInput(path: String) -> PipelineQualityError {
        PipelineQualityError(code: .missingInput, message: "\(path): no such file or directory", path: path)
    }
}
