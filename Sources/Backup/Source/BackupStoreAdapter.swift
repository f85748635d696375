import Foundation

/// What the backup engine needs from the store it protects.
///
/// The vector store implements it with `VectorDatabase` (``VectorStoreAdapter``); tests and
/// plain folders use ``DirectoryStoreAdapter``.
public protocol BackupStoreAdapter: Sendable {
    /// Relative paths of the immutable files forming a consistent snapshot of the store in
    /// `directory`, taken at one instant while writers may be running.
    func snapshotFiles(in directory: URL) throws -> [String]
    /// Cheap counts of the store (may verify manifest checksums).
    func summary(of directory: URL) throws -> StoreSummary
    /// Opens the store, verifies every checksum and invariant, runs a smoke query, returns counts.
    /// - Throws: any error when the store is damaged; the message names the file.
    func verify(directory: URL) throws -> StoreSummary
}

extension BackupStoreAdapter {
    /// Whether `directory` holds a store at all (exists and is not empty).
    public func storeExists(at directory: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return !names.isEmpty
    }
}
