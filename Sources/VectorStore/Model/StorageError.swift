import Foundation

/// The public error of the `VectorStore` module (NIOFS `FileSystemError` shape).
///
/// `code` says what went wrong without context; `message` carries the context (collection,
/// file, id); `path` names the file involved when there is one; `cause` is the underlying error.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without context; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case corruptFile = "corrupt file"
            case missingFile = "missing file"
            case dimensionMismatch = "dimension mismatch"
            case storeNotFound = "store not found"
            case collectionNotFound = "collection not found"
            case collectionExists = "collection exists"
            case duplicateID = "duplicate id"
            case idNotFound = "id not found"
            case invalidFilter = "invalid filter"
            case invalidArgument = "invalid argument"
            case io = "I/O error"
            case commitConflict = "commit conflict"
            case lockTimeout = "lock timeout"
            case formatVersion = "unsupported format version"
            case `internal` = "internal error"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A file's checksum, magic or structure is wrong (the message names the file).
        public static let corruptFile = Code(.corruptFile)
        /// A file named by a manifest does not exist.
        public static let missingFile = Code(.missingFile)
        /// A vector's length differs from the collection's dimension.
        public static let dimensionMismatch = Code(.dimensionMismatch)
        /// The directory holds no store (no marker file) and the caller asked not to create one.
        public static let storeNotFound = Code(.storeNotFound)
        /// No live collection has that name.
        public static let collectionNotFound = Code(.collectionNotFound)
        /// A collection with that name already exists.
        public static let collectionExists = Code(.collectionExists)
        /// An id is given twice in one batch, or `add` found an existing id.
        public static let duplicateID = Code(.duplicateID)
        /// `update` named an id that does not exist.
        public static let idNotFound = Code(.idNotFound)
        /// A metadata or document filter is malformed.
        public static let invalidFilter = Code(.invalidFilter)
        /// A bad name, `k`, limit or other argument.
        public static let invalidArgument = Code(.invalidArgument)
        /// A system call failed (the message names the call and file).
        public static let io = Code(.io)
        /// Too many concurrent writers won the race; the change was not applied.
        public static let commitConflict = Code(.commitConflict)
        /// Waiting for another writer took too long.
        public static let lockTimeout = Code(.lockTimeout)
        /// The store was written by a newer, unknown format version.
        public static let formatVersion = Code(.formatVersion)
        /// A broken invariant inside the store code itself.
        public static let `internal` = Code(.internal)

        public var description: String { value.rawValue }
    }

    /// The error class.
    public var code: Code
    /// Human message with context (collection, file, id).
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

    /// Short, value-free description for logs and metrics (e.g. "corrupt file").
    public var shortDescription: String { code.description }

    public var description: String {
        var text = message
        if let path, !message.contains(path) { text += " (file: \(path))" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    // MARK: - Named factories

    static func corrupt(_ path: String, _ what: String) -> StorageError {
        StorageError(code: .corruptFile, message: "corrupt store file \(path): \(what)", path: path)
    }

    static func missing(_ path: String, _ what: String = "named by the manifest but not found") -> StorageError {
        StorageError(code: .missingFile, message: "missing store file \(path): \(what)", path: path)
    }

    static func syscall(_ call: String, path: String, errno code: Int32) -> StorageError {
        let text = String(cString: strerror(code))
        return StorageError(code: .io, message: "\(call) failed for \(path): \(text) (errno \(code))", path: path)
    }

    static func invalid(_ message: String) -> StorageError {
        StorageError(code: .invalidArgument, message: message)
    }

    static func filter(_ message: String) -> StorageError {
        StorageError(code: .invalidFilter, message: "invalid filter: \(message)")
    }
}
