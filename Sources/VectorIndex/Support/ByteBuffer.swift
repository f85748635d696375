/// Appends little-endian values to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Float) { write(value.bitPattern) }

    /// Writes a whole array of integers (raw copy on little-endian hosts).
    mutating func write<T: FixedWidthInteger>(contentsOf values: [T]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values { write(v) }
        #endif
    }

    mutating func write(contentsOf values: [Float]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values { write(v.bitPattern) }
        #endif
    }

    mutating func pad(toMultipleOf n: Int) {
        while bytes.count % n != 0 { bytes.append(0) }
    }
}

/// Reads little-endian values from a byte buffer, bounds-checking every read.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// Reads stop here (exclusive).
    let limit: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, limit: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.limit = limit ?? bytes.count
    }

    var remaining: Int { limit - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type, field: String) throws(VectorIndexError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw .corrupt("truncated at offset \(offset) reading \(field)") }
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return v
    }

    /// Reads `count` values of `T`, after checking `count × size` fits in what is left.
    mutating func readArray<T: FixedWidthInteger>(_: T.Type, count: Int, field: String) throws(VectorIndexError) -> [T] {
        let size = MemoryLayout<T>.size
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard count >= 0, !overflow, total <= remaining else {
            throw .corrupt("\(field): \(count) entries do not fit in the \(remaining) bytes left at offset \(offset)")
        }
        let start = offset
        let out = [T](unsafeUninitializedCapacity: count) { buf, initialized in
            let raw = UnsafeMutableRawBufferPointer(buf)
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + total)]))
            #if !_endian(little)
            for i in 0..<count { buf[i] = T(littleEndian: buf[i]) }
            #endif
            initialized = count
        }
        offset += total
        return out
    }

    mutating func readFloats(count: Int, field: String) throws(VectorIndexError) -> [Float] {
        try readArray(UInt32.self, count: count, field: field).map { Float(bitPattern: $0) }
    }

    mutating func skip(to alignment: Int) throws(VectorIndexError) {
        let pad = (alignment - offset % alignment) % alignment
        guard remaining >= pad else { throw .corrupt("truncated at offset \(offset) in padding") }
        offset += pad
    }
}
