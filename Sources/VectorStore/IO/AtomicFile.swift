import Foundation

/// The one place that publishes files: temp → fsync → rename/link → fsync(directory).
enum AtomicFile {
    /// Unique temp name in `directory` (`.tmp-<uuid>`); garbage collection removes stale ones.
    static func tempPath(in directory: String) -> String {
        directory + "/.tmp-" + UUID().uuidString.lowercased()
    }

    /// Writes `bytes` to a temp file in `path`'s directory, fsyncs it, and publishes it at `path`.
    ///
    /// - Parameter exclusive: when true, publishing uses `link(2)`, which fails if `path` exists;
    ///   the function then returns false and leaves the existing file untouched. When false,
    ///   `rename(2)` replaces any existing file.
    /// - Returns: whether this call published the file.
    @discardableResult
    static func publish(_ bytes: [UInt8], to path: String, exclusive: Bool) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = tempPath(in: directory)
        let writer = try FileWriter(path: temp)
        do {
            try writer.write(bytes)
            _ = try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        return try publishSynced(temp: temp, to: path, exclusive: exclusive)
    }

    /// Publishes an already written and fsync'd temp file (see ``publish(_:to:exclusive:)``).
    static func publishSynced(temp: String, to path: String, exclusive: Bool) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if exclusive {
            if link(temp, path) != 0 {
                let err = errno
                // NFS: a retransmitted LINK whose first reply was lost answers EEXIST although
                // it succeeded; the temp file then has two links (ours).
                var st = stat()
                let ours = err == EEXIST && stat(temp, &st) == 0 && st.st_nlink == 2
                unlink(temp)
                if ours {
                    try POSIXFile.syncDirectory(directory)
                    return true
                }
                if err == EEXIST { return false }
                throw StorageError.syscall("link", path: path, errno: err)
            }
            unlink(temp)
        } else {
            if rename(temp, path) != 0 {
                let err = errno
                unlink(temp)
                throw StorageError.syscall("rename", path: path, errno: err)
            }
        }
        try POSIXFile.syncDirectory(directory)
        return true
    }
}
