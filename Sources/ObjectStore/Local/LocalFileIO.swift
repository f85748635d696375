import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// POSIX helpers for ``LocalObjectStore``: durable publish (temp → fsync → rename → fsync dir).
enum LocalFileIO {
    /// Size of the copy buffer when streaming files.
    static let chunkSize = 1 << 20

    static func error(_ operation: String, path: String, errno code: Int32) -> ObjectStoreError {
        let code2: ObjectStoreError.Code = (code == ENOENT) ? .notFound : (code == EACCES || code == EPERM)
            ? .accessDenied : .io
        return ObjectStoreError(code: code2,
                                message: "\(operation) \(path): \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Opens a file; throws ``ObjectStoreError`` naming the path.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        while true {
            #if canImport(Glibc)
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            #else
            let fd = Darwin.open(path, flags | O_CLOEXEC, mode)
            #endif
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw error("open", path: path, errno: errno)
        }
    }

    /// Writes all bytes to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            #else
            let n = Darwin.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw error("write", path: path, errno: errno)
            }
            offset += n
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #else
            let n = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw error("read", path: path, errno: errno)
        }
    }

    static func fsyncFile(_ fd: Int32, path: String) throws {
        guard fsync(fd) == 0 else { throw error("fsync", path: path, errno: errno) }
    }

    /// fsyncs a directory so a rename or create inside it is durable.
    static func fsyncDirectory(_ path: String) throws {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        // Some file systems refuse fsync on directories (EINVAL): nothing more can be done there.
        if fsync(fd) != 0 && errno != EINVAL { throw error("fsync", path: path, errno: errno) }
    }

    static func rename(_ from: String, _ to: String) throws {
        #if canImport(Glibc)
        let status = Glibc.rename(from, to)
        #else
        let status = Darwin.rename(from, to)
        #endif
        guard status == 0 else { throw error("rename", path: "\(from) → \(to)", errno: errno) }
    }

    /// Creates `directory` and missing parents, fsyncing each parent that gained an entry.
    static func makeDirectories(_ directory: URL, stopAt root: URL) throws {
        if !FileManager.default.fileExists(atPath: root.path) {
            do {
                try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            } catch {
                throw ObjectStoreError(code: .io, message: "cannot create directory \(root.path)", cause: error)
            }
        }
        var missing: [URL] = []
        var current = directory
        while !FileManager.default.fileExists(atPath: current.path), current.path.count > root.path.count {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for dir in missing.reversed() {
            if mkdir(dir.path, 0o755) != 0 && errno != EEXIST {
                throw error("mkdir", path: dir.path, errno: errno)
            }
            try fsyncDirectory(dir.deletingLastPathComponent().path)
        }
    }

    /// Publishes a file durably: `fill` writes into a fresh temp file beside `destination`, which
    /// is fsync'd, renamed over `destination`, and the directory fsync'd.
    static func publish(to destination: URL, fill: (Int32, String) throws -> Void) throws {
        let dir = destination.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".tmp-\(UUID().uuidString)-\(destination.lastPathComponent)")
        let fd = try open(temp.path, flags: O_WRONLY | O_CREAT | O_EXCL)
        var published = false
        defer {
            close(fd)
            if !published { unlink(temp.path) }
        }
        try fill(fd, temp.path)
        try fsyncFile(fd, path: temp.path)
        try rename(temp.path, destination.path)
        published = true
        try fsyncDirectory(dir.path)
    }

    /// Streams `source` into `fd` (1 MiB chunks).
    static func copy(from source: String, into fd: Int32, destinationPath: String) throws {
        let input = try open(source, flags: O_RDONLY)
        defer { close(input) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(input, into: buffer, path: source)
            if n == 0 { break }
            try writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), path: destinationPath)
        }
    }
}
