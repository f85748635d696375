import CryptoSupport
import Foundation

/// A file named by a manifest, with its size and checksum.
struct FileEntry: Codable, Sendable, Hashable {
    /// Path relative to the collection directory (e.g. `data/seg-….vseg`).
    var file: String
    var bytes: Int64
    /// `sha256:<hex>` of the whole file.
    var checksum: String
}

/// One segment in a manifest: the data file, its tombstones and (optionally) its index.
struct SegmentEntry: Codable, Sendable, Hashable {
    var data: FileEntry
    var rows: Int
    var tombstones: FileEntry?
    var deleted: Int
    var index: FileEntry?
}

/// The state of one collection at one version (docs/FORMAT.md, "Manifest files").
struct Manifest: Codable, Sendable {
    var formatVersion: Int
    var collection: String
    var version: Int
    /// Random id of this commit; `parent` is the commit it was built on.
    var commit: String
    var parent: String?
    /// Changes when the collection is deleted and re-created under the same name.
    var incarnation: String
    var deleted: Bool
    var dimension: Int
    var metric: DistanceMetric
    var attributes: [String: String]
    /// Live rows.
    var count: Int
    var segments: [SegmentEntry]
    var createdAt: String
    /// `host pid` of the writer (diagnostics only).
    var writer: String

    /// Every file this manifest names, relative to the collection directory.
    var files: [FileEntry] {
        segments.flatMap { [$0.data] + ($0.tombstones.map { [$0] } ?? []) + ($0.index.map { [$0] } ?? []) }
    }

    static let headerMagic = "SSVMANIFEST"

    /// File bytes: one header line `SSVMANIFEST <format> <bodyLength> sha256:<hex>\n`, then the JSON body.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(self)
        let header = "\(Manifest.headerMagic) \(formatVersion) \(body.count) sha256:\(SHA256.hexHash(body))\n"
        return Array(header.utf8) + Array(body)
    }

    /// Parses and verifies manifest file bytes.
    static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        guard let newline = bytes.prefix(200).firstIndex(of: 0x0A) else {
            throw StorageError.corrupt(path, "manifest header line missing")
        }
        let parts = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ")
        guard parts.count == 4, parts[0] == headerMagic, let format = Int(parts[1]), let length = Int(parts[2]) else {
            throw StorageError.corrupt(path, "bad manifest header")
        }
        guard format <= StoreFormat.version, format >= 1 else {
            throw StorageError(code: .formatVersion,
                               message: "manifest \(path) has format version \(format); this build reads up to \(StoreFormat.version)",
                               path: path)
        }
        let body = Data(bytes[(newline + 1)...])
        guard body.count == length else {
            throw StorageError.corrupt(path, "manifest body is \(body.count) bytes, header says \(length) (truncated?)")
        }
        let actual = "sha256:" + SHA256.hexHash(body)
        guard actual == parts[3] else {
            throw StorageError.corrupt(path, "manifest checksum mismatch (header \(parts[3]), body \(actual))")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: body)
        } catch {
            throw StorageError(code: .corruptFile, message: "corrupt store file \(path): manifest JSON does not decode", path: path,
                               cause: UnderlyingFailure(description: String(describing: error)))
        }
    }
}

/// A wrapped description of a lower-level failure (used as a `cause`).
struct UnderlyingFailure: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// Store-wide format constants.
public enum StoreFormat {
    /// The on-disk format version this build writes and the highest it reads.
    public static let version = 1
    /// Name of the store marker file in the store directory.
    public static let markerFile = "STORE"
    /// Directory holding one folder per collection.
    public static let collectionsDirectory = "collections"
}
