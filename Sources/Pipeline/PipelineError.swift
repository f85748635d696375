import Foundation

/// The public error of the `Pipeline` module: a code, a message with context (file, line, field,
/// shop id), and an optional cause.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case inputMissing = "input missing"
            case inputUnreadable = "input unreadable"
            case invalidMapping = "invalid mapping file"
            case invalidRules = "invalid rules file"
            case invalidExamples = "invalid examples file"
            case embedderMismatch = "embedder mismatch"
            case examplesMissing = "examples missing"
            case ledger = "ledger error"
            case output = "output error"
            case incomplete = "incomplete run"
            case invalidArgument = "invalid argument"
            case stepFailed = "step failed"
            case interrupted = "interrupted"
            case store = "vector store error"
            case internalError = "internal error"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The input file does not exist.
        public static let inputMissing = Code(.inputMissing)
        /// The input file cannot be read or decompressed.
        public static let inputUnreadable = Code(.inputUnreadable)
        /// The mapping file is malformed (message names the file and field).
        public static let invalidMapping = Code(.invalidMapping)
        /// The category rules file is malformed (message names the file and field).
        public static let invalidRules = Code(.invalidRules)
        /// The example summaries file is malformed (message names the file and line).
        public static let invalidExamples = Code(.invalidExamples)
        /// A collection was built with another embedder than the one configured.
        public static let embedderMismatch = Code(.embedderMismatch)
        /// A category's example collection is missing or empty.
        public static let examplesMissing = Code(.examplesMissing)
        /// The run ledger cannot be read or written.
        public static let ledger = Code(.ledger)
        /// An output file cannot be written.
        public static let output = Code(.output)
        /// Shards or outputs do not cover every input shop.
        public static let incomplete = Code(.incomplete)
        /// A value such as `--shard` or `--run-id` is malformed.
        public static let invalidArgument = Code(.invalidArgument)
        /// An orchestration step failed after its retries.
        public static let stepFailed = Code(.stepFailed)
        /// Stopped by SIGTERM/SIGINT after flushing.
        public static let interrupted = Code(.interrupted)
        /// The vector store reported an error.
        public static let store = Code(.store)
        /// A bug.
        public static let internalError = Code(.internalError)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context; never contains secrets.
    public var message: String
    /// Underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// Short, value-free description for logs and metrics.
    public var shortDescription: String { code.description }

    public var description: String {
        if let cause { return "\(message) (cause: \(cause))" }
        return message
    }
}
