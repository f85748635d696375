import Foundation

/// The public error of the `Backup` module: what failed, with the backup, key or archive entry.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unsafeEntry = "unsafe archive entry"
            case corruptArchive = "corrupt archive"
            case checksumMismatch = "checksum mismatch"
            case noBackup = "backup not found"
            case invalidManifest = "invalid backup manifest"
            case verificationFailed = "verification failed"
            case io = "local I/O error"
            case store = "object store error"
            case invalidArgument = "invalid argument"
            case sourceChanged = "store changed during backup"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// An archive entry would write outside the target (absolute path, `..`, link, device).
        public static let unsafeEntry = Code(.unsafeEntry)
        /// The archive is not a valid tar.gz (bad header checksum, truncated, bad gzip).
        public static let corruptArchive = Code(.corruptArchive)
        /// A file's or the archive's SHA-256 or size differs from the manifest.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// The requested backup (`latest`, a timestamp) does not exist or is incomplete.
        public static let noBackup = Code(.noBackup)
        /// A manifest cannot be decoded or is inconsistent.
        public static let invalidManifest = Code(.invalidManifest)
        /// A restored store failed to open, verify or answer the smoke query.
        public static let verificationFailed = Code(.verificationFailed)
        /// A local file operation failed.
        public static let io = Code(.io)
        /// The object store failed (see the cause).
        public static let store = Code(.store)
        /// A bad option value (timestamp, retention).
        public static let invalidArgument = Code(.invalidArgument)
        /// Files of the snapshot disappeared or changed while being archived.
        public static let sourceChanged = Code(.sourceChanged)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context (backup timestamp, key, entry name, path).
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

    // MARK: - Factories

    static func io(_ operation: String, path: String, errno code: Int32) -> BackupError {
        BackupError(code: .io, message: "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))")
    }

    static func io(_ message: String, cause: any Error) -> BackupError {
        BackupError(code: .io, message: message, cause: SendableErrorBox(cause))
    }

    static func unsafe(_ entry: String, _ reason: String) -> BackupError {
        BackupError(code: .unsafeEntry, message: "refusing archive entry '\(entry)': \(reason)")
    }
}

/// Carries a non-Sendable error's description across isolation (errors from Foundation).
struct SendableErrorBox: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ error: any Error) { description = String(describing: error) }
}
