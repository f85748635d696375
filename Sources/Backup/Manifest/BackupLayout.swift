import Foundation

/// Where a backup's objects live, relative to the backup URL's prefix.
///
/// ```
/// <ts>/store.tar.gz            full backups: the archive (opens with `tar -xzf`)
/// <ts>/manifest.json           written last: its presence marks the backup complete
/// latest/manifest.json         copy of the newest *verified* backup's manifest (the pointer)
/// latest/store.tar.gz          copy of that archive, for plain-tool disaster recovery
/// objects/sha256/ab/<sha256>   incremental backups: each immutable store file, once
/// ```
public enum BackupLayout {
    /// File name of the archive inside a backup folder.
    public static let archiveName = "store.tar.gz"
    /// File name of the manifest inside a backup folder.
    public static let manifestName = "manifest.json"
    /// Folder of the pointer to the newest verified backup.
    public static let latestFolder = "latest"
    /// Folder of content-addressed files (incremental backups).
    public static let objectsFolder = "objects/sha256"

    /// `<ts>/manifest.json`.
    public static func manifestKey(_ timestamp: BackupTimestamp) -> String { "\(timestamp.text)/\(manifestName)" }
    /// `<ts>/store.tar.gz`.
    public static func archiveKey(_ timestamp: BackupTimestamp) -> String { "\(timestamp.text)/\(archiveName)" }
    /// `latest/manifest.json`.
    public static let latestManifestKey = "\(latestFolder)/\(manifestName)"
    /// `latest/store.tar.gz`.
    public static let latestArchiveKey = "\(latestFolder)/\(archiveName)"

    /// `objects/sha256/ab/abcdef…` for a lower-case hex digest.
    public static func objectKey(sha256: String) -> String {
        "\(objectsFolder)/\(sha256.prefix(2))/\(sha256)"
    }

    /// The backup timestamp a key belongs to (`<ts>/…`), if any.
    public static func timestamp(ofKey key: String) -> BackupTimestamp? {
        guard let slash = key.firstIndex(of: "/") else { return nil }
        return BackupTimestamp(String(key[..<slash]))
    }
}
