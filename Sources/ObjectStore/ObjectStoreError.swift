import Foundation

/// The public error of the `ObjectStore` module (NIOFS `FileSystemError` shape).
public struct ObjectStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case notFound = "object not found"
            case accessDenied = "access denied"
            case invalidURL = "invalid store URL"
            case transport = "transport error"
            case server = "server error"
            case credentials = "credentials unavailable"
            case integrity = "integrity check failed"
            case io = "local I/O error"
            case invalidResponse = "invalid response"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let notFound = Code(.notFound)
        public static let accessDenied = Code(.accessDenied)
        public static let invalidURL = Code(.invalidURL)
        public static let transport = Code(.transport)
        public static let server = Code(.server)
        public static let credentials = Code(.credentials)
        public static let integrity = Code(.integrity)
        public static let io = Code(.io)
        public static let invalidResponse = Code(.invalidResponse)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context (key, URL, status); never contains secrets.
    public var message: String
    /// Underlying error, if any.
    public var cause: (any Error & Sendable)?

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
