import Foundation

/// The public error of the gzip codec: names the file (when there is one) and zlib's message.
public struct GzipError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case io = "gzip I/O error"
            case corrupt = "corrupt gzip data"
            case truncated = "truncated gzip data"
            case zlib = "zlib error"
            case finished = "gzip stream already finished"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Opening, reading, writing or syncing the file failed.
        public static let io = Code(.io)
        /// The bytes are not valid gzip (bad header, bad CRC, trailing garbage).
        public static let corrupt = Code(.corrupt)
        /// The input ended in the middle of a gzip member.
        public static let truncated = Code(.truncated)
        /// zlib refused an operation (initialisation, memory).
        public static let zlib = Code(.zlib)
        /// A write after `finish()`.
        public static let finished = Code(.finished)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context (file, zlib message, errno text).
    public var message: String
    /// The file involved, when there is one.
    public var path: String?
    /// Underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, path: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    /// Short, value-free description for logs and metrics.
    public var shortDescription: String { code.description }

    public var description: String {
        let location = path.map { "\($0): " } ?? ""
        if let cause { return "\(location)\(message) (cause: \(cause))" }
        return "\(location)\(message)"
    }

    // MARK: - Factories

    static func syscall(_ operation: String, errno code: Int32, path: String?) -> GzipError {
        GzipError(code: .io, message: "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))",
                  path: path)
    }
}
