/// Deleted-row lists of a segment (docs/FORMAT.md, "Tombstone files").
///
/// Layout: magic `SSVDEL01` (8 bytes), `u32` version (1), `u32` reserved (0), `u64` count, then
/// `count` × `u32` row ordinals, strictly ascending.
enum TombstoneFile {
    static let magic: [UInt8] = Array("SSVDEL01".utf8)
    static let version: UInt32 = 1

    static func encode(_ rows: [UInt32]) -> [UInt8] {
        var out = magic
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        append(version)
        append(UInt32(0))
        append(UInt64(rows.count))
        for r in rows { append(r) }
        return out
    }

    /// Decodes and validates against the segment's row count.
    static func decode(_ bytes: [UInt8], rowCount: Int, path: String) throws -> [UInt32] {
        try bytes.withUnsafeBytes { raw in
            let r = ByteReader(raw, path: path)
            guard raw.count >= 24, Array(try r.bytes(at: 0, count: 8)) == magic else {
                throw StorageError.corrupt(path, "bad tombstone magic")
            }
            guard try r.u32(at: 8) == version else {
                throw StorageError(code: .formatVersion, message: "tombstone file \(path) has an unknown version", path: path)
            }
            let count = try r.length(at: 16, limit: rowCount, "tombstone count")
            guard raw.count == 24 + count * 4 else { throw StorageError.corrupt(path, "size does not match count \(count)") }
            var rows: [UInt32] = []
            rows.reserveCapacity(count)
            var previous: Int64 = -1
            for i in 0..<count {
                let v = try r.u32(at: 24 + i * 4)
                guard Int64(v) > previous, Int(v) < rowCount else {
                    throw StorageError.corrupt(path, "row ordinal \(v) out of order or beyond \(rowCount) rows")
                }
                previous = Int64(v)
                rows.append(v)
            }
            return rows
        }
    }
}
