import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX helpers for files that must survive a crash: an append-only handle with explicit
/// fsync, and whole-file publication by temp → fsync → rename → fsync(directory).
enum DurableFile {
    /// Writes `data` to `url` atomically and durably.
    /// - Throws: ``PipelineError`` `.output` naming the file.
    static func publish(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let handle = try AppendHandle(url: temp, truncate: true)
        do {
            try handle.write(data)
            try handle.sync()
            handle.close()
            guard rename(temp.path, url.path) == 0 else { throw posixError("rename to", url, errno) }
            try syncDirectory(dir)
        } catch {
            handle.close()
            unlink(temp.path)
            throw error
        }
    }

    /// fsyncs a directory so a rename or create in it is durable.
    static func syncDirectory(_ dir: URL) throws {
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw posixError("open directory", dir, errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError("fsync directory", dir, errno) }
    }

    static func posixError(_ action: String, _ url: URL, _ code: Int32) -> PipelineError {
        PipelineError(code: .output, message: "\(action) \(url.path) failed: \(String(cString: strerror(code)))")
    }
}

/// An `O_APPEND` file descriptor. Each ``write(_:)`` is one `write(2)` loop, so data written
/// survives a kill of the process even before ``sync()``; ``sync()`` makes it survive power loss.
/// Not Sendable: owned by one task.
final class AppendHandle {
    private var fd: Int32
    let url: URL

    /// Opens (creating) `url` for appending; `truncate` empties it first.
    init(url: URL, truncate: Bool = false) throws {
        self.url = url
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else { throw DurableFile.posixError("open", url, errno) }
    }

    deinit { close() }

    /// Appends all bytes.
    func write(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DurableFile.posixError("write", url, errno)
                }
                offset += n
            }
        }
    }

    /// fsyncs the file.
    func sync() throws {
        guard fd >= 0 else { return }
        guard fsync(fd) == 0 else { throw DurableFile.posixError("fsync", url, errno) }
    }

    /// Closes the descriptor (idempotent).
    func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }
}
