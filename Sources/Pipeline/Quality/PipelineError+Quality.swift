import Foundation

/// Named factories for the quality layer's errors (prompts, example retrieval, evaluation input).
extension PipelineError {
    /// A prompt file cannot be parsed (`source` is the path or `builtin:<category>`).
    static func badPrompt(source: String, reason: String) -> PipelineError {
        PipelineError(code: .invalidArgument, message: "prompt file \(source): \(reason)")
    }

    /// A run-output or examples line cannot be read.
    static func badInput(path: String, line: Int, reason: String) -> PipelineError {
        PipelineError(code: .inputUnreadable, message: "\(path):\(line): \(reason)")
    }

    /// A file or directory the quality layer needs does not exist.
    static func missingInput(path: String, what: String) -> PipelineError {
        PipelineError(code: .inputMissing, message: "\(what) \(path) does not exist")
    }

    /// Retrieving examples from the store failed.
    static func exampleSearch(collection: String, cause: any Error & Sendable) -> PipelineError {
        PipelineError(code: .store, message: "retrieving examples from collection '\(collection)' failed", cause: cause)
    }
}
