import CryptoSupport
import Foundation

/// A buffered, checksumming writer for one new file. Write, then ``finish()`` (fsync + close);
/// the caller publishes the file with ``AtomicFile``.
final class FileWriter {
    let path: String
    private let fd: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var hasher: SHA256? = SHA256()
    /// Bytes written so far (including buffered bytes).
    private(set) var position: Int64 = 0
    private var closed = false

    /// Creates (exclusively) and opens `path` for writing.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.syscall("open", path: path, errno: errno) }
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    }

    deinit {
        if !closed { close(fd) }
        buffer.deallocate()
    }

    /// Appends raw bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            if used == buffer.count { try flush() }
            let n = min(buffer.count - used, bytes.count - offset)
            guard let dst = buffer.baseAddress, let src = bytes.baseAddress else { return }
            (dst + used).copyMemory(from: src + offset, byteCount: n)
            used += n
            offset += n
        }
        position += Int64(bytes.count)
    }

    /// Appends a byte array.
    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Appends a little-endian integer.
    func write<T: FixedWidthInteger>(_ value: T) throws {
        var le = value.littleEndian
        try withUnsafeBytes(of: &le) { try write($0) }
    }

    /// Appends a Float32 (little-endian bit pattern).
    func write(_ value: Float) throws { try write(value.bitPattern) }

    /// Appends zeros until the position is a multiple of `alignment`.
    func pad(to alignment: Int64) throws {
        let rem = position % alignment
        if rem != 0 { try write([UInt8](repeating: 0, count: Int(alignment - rem))) }
    }

    private func flush() throws {
        guard used > 0, let base = buffer.baseAddress else { return }
        hasher?.update(UnsafeRawBufferPointer(start: base, count: used))
        var done = 0
        while done < used {
            let n = Foundation.write(fd, base + done, used - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.syscall("write", path: path, errno: errno)
            }
            done += n
        }
        used = 0
    }

    /// Flushes, fsyncs and closes; returns the file's checksum and size.
    func finish() throws -> (checksum: String, size: Int64) {
        try flush()
        if fsync(fd) != 0 { throw StorageError.syscall("fsync", path: path, errno: errno) }
        close(fd)
        closed = true
        guard let h = hasher.take() else { throw StorageError(code: .internal, message: "finish called twice on \(path)") }
        let digest = h.finalize()
        return ("sha256:" + Hex.encode(digest), position)
    }

    /// Closes without syncing and removes the file (used on failure).
    func abandon() {
        if !closed { close(fd); closed = true }
        unlink(path)
    }
}
