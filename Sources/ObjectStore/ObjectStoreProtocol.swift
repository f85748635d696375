import Foundation

/// Metadata of one stored object.
public struct ObjectInfo: Sendable, Hashable {
    /// Key relative to the store's root (no leading slash), e.g. `20261201_020000/manifest.json`.
    public var key: String
    /// Size in bytes.
    public var size: Int64
    /// Last modification time, when the backend reports it.
    public var lastModified: Date?
    /// Entity tag (S3) or content hash, when known.
    public var etag: String?

    public init(key: String, size: Int64, lastModified: Date? = nil, etag: String? = nil) {
        self.key = key
        self.size = size
        self.lastModified = lastModified
        self.etag = etag
    }
}

/// A flat key → bytes store: `file://` directories, `s3://` buckets, or memory (tests).
///
/// Keys use `/` as separator and never start with `/`. Implementations make `put` atomic:
/// a reader sees either the old object or the complete new one, never a partial upload.
public protocol ObjectStore: Sendable {
    /// Human-readable location for messages, e.g. `s3://bucket/prefix` (never contains secrets).
    var displayURL: String { get }
    /// Stores `data` under `key`, replacing any previous object.
    func put(_ data: Data, key: String) async throws
    /// Stores the contents of a local file under `key`, streaming it (multipart when large).
    func putFile(_ fileURL: URL, key: String) async throws
    /// Returns the object's bytes; throws `ObjectStoreError` with code `.notFound` when missing.
    func get(key: String) async throws -> Data
    /// Streams the object to a local file (created or replaced).
    func getFile(key: String, to fileURL: URL) async throws
    /// Metadata for `key`, or nil when it does not exist.
    func head(key: String) async throws -> ObjectInfo?
    /// All objects whose key starts with `prefix`, sorted by key.
    func list(prefix: String) async throws -> [ObjectInfo]
    /// Server-side copy (used to publish `latest/` after a verified upload).
    func copy(from sourceKey: String, to destinationKey: String) async throws
    /// Deletes the keys; missing keys are not an error.
    func delete(keys: [String]) async throws
}
