/// Bounds-checked little-endian reads from an immutable byte buffer. Every failure is a
/// ``StorageError`` with code `.corruptFile` naming `path`.
struct ByteReader {
    let base: UnsafeRawPointer
    let count: Int
    let path: String

    init(_ buffer: UnsafeRawBufferPointer, path: String) {
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 0x10)!  // empty buffers are never read
        count = buffer.count
        self.path = path
    }

    /// Checks that `offset..<offset+length` lies inside the buffer (with overflow checks).
    func check(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard offset >= 0, length >= 0, !overflow, end <= count else {
            throw StorageError.corrupt(path, "\(what()) out of bounds (offset \(offset), length \(length), file \(count) bytes)")
        }
    }

    func u8(at offset: Int) throws -> UInt8 {
        try check(offset, 1, "byte")
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    func u32(at offset: Int) throws -> UInt32 {
        try check(offset, 4, "u32")
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func u64(at offset: Int) throws -> UInt64 {
        try check(offset, 8, "u64")
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A u64 that must fit in `Int` and be at most `limit`.
    func length(at offset: Int, limit: Int, _ what: String) throws -> Int {
        let v = try u64(at: offset)
        guard v <= UInt64(limit) else { throw StorageError.corrupt(path, "\(what) \(v) exceeds \(limit)") }
        return Int(v)
    }

    func bytes(at offset: Int, count length: Int) throws -> UnsafeRawBufferPointer {
        try check(offset, length, "byte range")
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }

    func string(at offset: Int, count length: Int) throws -> String {
        let raw = try bytes(at: offset, count: length)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw StorageError.corrupt(path, "invalid UTF-8 at offset \(offset)")
        }
        return s
    }
}
