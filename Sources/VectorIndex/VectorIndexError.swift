/// The public error of the `VectorIndex` module (NIOFS `FileSystemError` shape).
///
/// Thrown when serialized index bytes are damaged or of an unknown version, or when a caller
/// passes vectors of the wrong dimension.
public struct VectorIndexError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case corruptIndex = "corrupt index"
            case formatVersion = "unsupported index format version"
            case dimensionMismatch = "dimension mismatch"
            case invalidArgument = "invalid argument"
            case capacityExceeded = "capacity exceeded"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Serialized bytes are truncated, fail their checksum, or violate an invariant.
        public static let corruptIndex = Code(.corruptIndex)
        /// Serialized bytes carry a format version this build cannot read.
        public static let formatVersion = Code(.formatVersion)
        /// A vector's length differs from the index dimension.
        public static let dimensionMismatch = Code(.dimensionMismatch)
        /// A parameter is out of range (for example `k < 1` or `dimension < 1`).
        public static let invalidArgument = Code(.invalidArgument)
        /// The index cannot hold more rows (row ids are `Int32`).
        public static let capacityExceeded = Code(.capacityExceeded)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context (offset, field, expected and actual values).
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
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }

    static func corrupt(_ message: String) -> VectorIndexError {
        VectorIndexError(code: .corruptIndex, message: message)
    }

    static func dimension(expected: Int, got: Int, what: String) -> VectorIndexError {
        VectorIndexError(code: .dimensionMismatch, message: "\(what) has \(got) components, index dimension is \(expected)")
    }
}
