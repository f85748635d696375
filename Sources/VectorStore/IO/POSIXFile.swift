import CryptoSupport
import Foundation

/// Thin wrappers over POSIX file calls that turn failures into ``StorageError`` naming the file.
enum POSIXFile {
    /// Creates a directory and its parents; concurrent creators are fine (EEXIST is success).
    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 {
                let err = errno
                var isDir: ObjCBool = false
                if err == EEXIST, FileManager.default.fileExists(atPath: current, isDirectory: &isDir), isDir.boolValue {
                    continue
                }
                if err == EEXIST { throw StorageError(code: .io, message: "\(current) exists and is not a directory", path: current) }
                throw StorageError.syscall("mkdir", path: current, errno: err)
            }
        }
    }

    /// Whether a path exists (any type).
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Size and modification time, or nil when the file does not exist.
    static func status(_ path: String) throws -> (size: Int64, mtime: Double)? {
        var st = stat()
        if stat(path, &st) != 0 {
            let err = errno
            if err == ENOENT { return nil }
            throw StorageError.syscall("stat", path: path, errno: err)
        }
        return (Int64(st.st_size), Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }

    /// Sets a file's modification time to now (the server's clock on NFS).
    /// - Returns: false when the file does not exist.
    static func touch(_ path: String) throws -> Bool {
        if utimensat(AT_FDCWD, path, nil, 0) != 0 {
            let err = errno
            if err == ENOENT { return false }
            throw StorageError.syscall("utimensat", path: path, errno: err)
        }
        return true
    }

    /// Names in a directory (not `.`/`..`); an absent directory is empty.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            let err = errno
            if err == ENOENT { return [] }
            throw StorageError.syscall("opendir", path: path, errno: err)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file; a missing file is not an error.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 {
            let err = errno
            if err != ENOENT { throw StorageError.syscall("unlink", path: path, errno: err) }
        }
    }

    /// fsyncs a directory so renames/links/unlinks in it are durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StorageError.syscall("open", path: path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 {
            let err = errno
            // Some file systems refuse fsync on directories; the data files are already synced.
            if err != EINVAL && err != EBADF { throw StorageError.syscall("fsync", path: path, errno: err) }
        }
    }

    /// Reads a whole file into memory. `missing` is the error to throw when it does not exist.
    static func readAll(_ path: String, maxBytes: Int = 1 << 30) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            if err == ENOENT { throw StorageError.missing(path, "not found") }
            throw StorageError.syscall("open", path: path, errno: err)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.syscall("fstat", path: path, errno: errno) }
        let size = Int(st.st_size)
        guard size >= 0, size <= maxBytes else { throw StorageError.corrupt(path, "unexpected size \(size) bytes") }
        var bytes = [UInt8](repeating: 0, count: size)
        let got = try bytes.withUnsafeMutableBytes { try readFully(fd: fd, into: $0, path: path) }
        guard got == size else { throw StorageError.corrupt(path, "file shrank while reading (\(got) of \(size) bytes)") }
        return bytes
    }

    /// Reads until the buffer is full or end of file; returns bytes read.
    static func readFully(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = read(fd, base + done, min(buffer.count - done, 1 << 26))
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.syscall("read", path: path, errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// SHA-256 of a file, streamed in 1 MiB chunks, with its size.
    static func checksum(_ path: String) throws -> (checksum: String, size: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            if err == ENOENT { throw StorageError.missing(path) }
            throw StorageError.syscall("open", path: path, errno: err)
        }
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        while true {
            let n = try readFully(fd: fd, into: chunk, path: path)
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            total += Int64(n)
            if n < chunk.count { break }
        }
        return ("sha256:" + Hex.encode(hasher.finalize()), total)
    }
}
