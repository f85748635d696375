import Foundation

/// A ``BackupStoreAdapter`` for a plain folder: every regular file is part of the snapshot.
///
/// "Collections" are the top-level folders, counted by files. Used by tests and for folders that
/// are not vector stores; it cannot take a consistent snapshot of a folder being written.
public struct DirectoryStoreAdapter: BackupStoreAdapter {
    /// Creates the adapter.
    public init() {}

    public func snapshotFiles(in directory: URL) throws -> [String] {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw BackupError(code: .io, message: "cannot list store directory \(directory.path)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let attributes = enumerator.fileAttributes
            if attributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        return files.sorted()
    }

    public func summary(of directory: URL) throws -> StoreSummary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
              isDirectory.boolValue
        else { throw BackupError(code: .verificationFailed, message: "store directory \(directory.path) is missing") }
        var collections: [String: Int] = [:]
        var total: Int64 = 0
        for path in try snapshotFiles(in: directory) {
            let top = path.split(separator: "/").first.map(String.init) ?? path
            collections[top, default: 0] += 1
            let size = (try? FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(path).path)[.size] as? NSNumber)?.int64Value ?? 0
            total += size
        }
        return StoreSummary(formatVersion: nil, collections: collections, totalBytes: total)
    }

    public func verify(directory: URL) throws -> StoreSummary { try summary(of: directory) }
}
