import Foundation

/// An ``ObjectStore`` in a local directory (`file://` URLs): one file per key.
///
/// Puts are atomic and durable: the bytes go to a hidden temp file in the destination directory,
/// which is fsync'd, renamed over the key's path, and the directory fsync'd. A reader therefore
/// sees the old object or the complete new one; a crash leaves at most a `.tmp-*` file, which
/// ``list(prefix:)`` ignores. Keys are validated: no absolute paths, no `.`/`..` or empty segments.
public struct LocalObjectStore: ObjectStore {
    /// The directory holding the objects (created on first put).
    public let rootURL: URL

    /// Creates a store rooted at `rootURL` (a directory; need not exist yet).
    public init(rootURL: URL) {
        self.rootURL = rootURL.standardizedFileURL
    }

    /// `file://` URL of the root.
    public var displayURL: String { "file://\(rootURL.path)" }

    /// Name prefix of in-flight temp files (skipped by ``list(prefix:)``).
    static let tempPrefix = ".tmp-"

    // MARK: - ObjectStore

    public func put(_ data: Data, key: String) async throws {
        let url = try fileURL(for: key)
        try LocalFileIO.makeDirectories(url.deletingLastPathComponent(), stopAt: rootURL)
        try LocalFileIO.publish(to: url) { fd, path in
            try data.withUnsafeBytes { try LocalFileIO.writeAll(fd, $0, path: path) }
        }
    }

    public func putFile(_ fileURL: URL, key: String) async throws {
        let url = try self.fileURL(for: key)
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw ObjectStoreError(code: .io, message: "putFile: source \(fileURL.path) does not exist")
        }
        try LocalFileIO.makeDirectories(url.deletingLastPathComponent(), stopAt: rootURL)
        try LocalFileIO.publish(to: url) { fd, path in
            try LocalFileIO.copy(from: fileURL.path, into: fd, destinationPath: path)
        }
    }

    public func get(key: String) async throws -> Data {
        let url = try fileURL(for: key)
        guard isRegularFile(url) else { throw notFound(key) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ObjectStoreError(code: .io, message: "read \(url.path) failed", cause: error)
        }
    }

    public func getFile(key: String, to destination: URL) async throws {
        let url = try fileURL(for: key)
        guard isRegularFile(url) else { throw notFound(key) }
        let dir = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try LocalFileIO.publish(to: destination) { fd, path in
            try LocalFileIO.copy(from: url.path, into: fd, destinationPath: path)
        }
    }

    public func head(key: String) async throws -> ObjectInfo? {
        let url = try fileURL(for: key)
        guard isRegularFile(url) else { return nil }
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return ObjectInfo(key: key, size: size, lastModified: attributes[.modificationDate] as? Date)
    }

    public func list(prefix: String) async throws -> [ObjectInfo] {
        guard let enumerator = FileManager.default.enumerator(
            at: rootURL, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey],
            options: [], errorHandler: { _, _ in true })
        else { return [] }
        let rootPath = rootURL.path.hasSuffix("/") ? rootURL.path : rootURL.path + "/"
        var result: [ObjectInfo] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
            guard values?.isRegularFile == true, !url.lastPathComponent.hasPrefix(Self.tempPrefix) else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(rootPath) else { continue }
            let key = String(path.dropFirst(rootPath.count))
            guard key.hasPrefix(prefix) else { continue }
            result.append(ObjectInfo(key: key, size: Int64(values?.fileSize ?? 0),
                                     lastModified: values?.contentModificationDate))
        }
        return result.sorted { $0.key < $1.key }
    }

    public func copy(from sourceKey: String, to destinationKey: String) async throws {
        let source = try fileURL(for: sourceKey)
        guard isRegularFile(source) else { throw notFound(sourceKey) }
        let destination = try fileURL(for: destinationKey)
        try LocalFileIO.makeDirectories(destination.deletingLastPathComponent(), stopAt: rootURL)
        try LocalFileIO.publish(to: destination) { fd, path in
            try LocalFileIO.copy(from: source.path, into: fd, destinationPath: path)
        }
    }

    public func delete(keys: [String]) async throws {
        var touched = Set<String>()
        for key in keys {
            let url = try fileURL(for: key)
            if unlink(url.path) != 0 && errno != ENOENT {
                throw LocalFileIO.error("unlink", path: url.path, errno: errno)
            }
            touched.insert(url.deletingLastPathComponent().path)
        }
        for dir in touched {
            try? LocalFileIO.fsyncDirectory(dir)
            removeEmptyParents(of: URL(fileURLWithPath: dir))
        }
    }

    // MARK: - Keys → paths

    /// The path of `key` under the root; rejects keys that could leave it.
    /// - Throws: ``ObjectStoreError`` `.invalidURL` for an absolute, empty or dot-segment key.
    public func fileURL(for key: String) throws -> URL {
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.hasPrefix("/"), !key.contains("\0"),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else {
            throw ObjectStoreError(code: .invalidURL, message: "invalid object key '\(key)' for \(displayURL)")
        }
        return rootURL.appendingPathComponent(key)
    }

    private func isRegularFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private func notFound(_ key: String) -> ObjectStoreError {
        ObjectStoreError(code: .notFound, message: "object '\(key)' not found in \(displayURL)")
    }

    /// Removes now-empty directories between a deleted key and the root (best effort).
    private func removeEmptyParents(of directory: URL) {
        var current = directory.standardizedFileURL
        while current.path.count > rootURL.path.count, current.path.hasPrefix(rootURL.path) {
            guard rmdir(current.path) == 0 else { return }
            current = current.deletingLastPathComponent()
        }
    }
}
