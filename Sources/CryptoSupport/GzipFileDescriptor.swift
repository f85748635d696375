import Foundation

#if canImport(Glibc)
import Glibc
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ count: Int) -> Int { Glibc.read(fd, buf, count) }
private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer?, _ count: Int) -> Int { Glibc.write(fd, buf, count) }
#elseif canImport(Darwin)
import Darwin
private func systemRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ count: Int) -> Int { Darwin.read(fd, buf, count) }
private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer?, _ count: Int) -> Int { Darwin.write(fd, buf, count) }
#endif

/// A POSIX file descriptor with EINTR-safe full reads and writes; closed in `deinit`.
final class GzipFileDescriptor {
    let fd: Int32
    let path: String

    init(readingFrom url: URL) throws(GzipError) {
        path = url.path
        let opened = open(url.path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw GzipError.syscall("open", errno: errno, path: url.path) }
        fd = opened
    }

    init(writingTo url: URL) throws(GzipError) {
        path = url.path
        let opened = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard opened >= 0 else { throw GzipError.syscall("open", errno: errno, path: url.path) }
        fd = opened
    }

    deinit { close(fd) }

    /// Reads up to `buffer.count` bytes; returns 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(GzipError) -> Int {
        while true {
            let n = systemRead(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw GzipError.syscall("read", errno: errno, path: path)
        }
    }

    /// Writes every byte of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(GzipError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw GzipError.syscall("write", errno: errno, path: path)
            }
            offset += n
        }
    }

    /// Flushes the file's data and metadata to stable storage.
    func sync() throws(GzipError) {
        guard fsync(fd) == 0 else { throw GzipError.syscall("fsync", errno: errno, path: path) }
    }
}
