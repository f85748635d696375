/// Binary encoding of one row's metadata (see docs/FORMAT.md, "Metadata encoding").
///
/// `u32 count`, then per entry (keys sorted by UTF-8 bytes): `u32 keyLength`, key bytes,
/// `u8 type` (1 string, 2 int64, 3 float64, 4 bool), value (string: `u32 length` + bytes;
/// int64/float64: 8 bytes LE; bool: 1 byte 0/1).
enum MetadataCodec {
    static func encode(_ metadata: Metadata, into out: inout [UInt8]) {
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        u32(metadata.count)
        for key in metadata.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard let value = metadata[key] else { continue }
            u32(key.utf8.count)
            out.append(contentsOf: key.utf8)
            switch value {
            case .string(let s):
                out.append(1)
                u32(s.utf8.count)
                out.append(contentsOf: s.utf8)
            case .int(let i):
                out.append(2)
                withUnsafeBytes(of: Int64(i).littleEndian) { out.append(contentsOf: $0) }
            case .double(let d):
                out.append(3)
                withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            case .bool(let b):
                out.append(4)
                out.append(b ? 1 : 0)
            }
        }
    }

    static func encode(_ metadata: Metadata) -> [UInt8] {
        var out: [UInt8] = []
        encode(metadata, into: &out)
        return out
    }

    /// Decodes one row's metadata from `bytes`; every length is bounds-checked.
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Metadata {
        let r = ByteReader(bytes, path: path)
        guard bytes.count > 0 else { return [:] }
        let n = Int(try r.u32(at: 0))
        guard n <= bytes.count / 6 else { throw StorageError.corrupt(path, "metadata entry count \(n) too large") }
        var offset = 4
        var result: Metadata = Dictionary(minimumCapacity: n)
        for _ in 0..<n {
            let keyLength = Int(try r.u32(at: offset))
            let key = try r.string(at: offset + 4, count: keyLength)
            offset += 4 + keyLength
            let type = try r.u8(at: offset)
            offset += 1
            switch type {
            case 1:
                let length = Int(try r.u32(at: offset))
                result[key] = .string(try r.string(at: offset + 4, count: length))
                offset += 4 + length
            case 2:
                result[key] = .int(Int(Int64(bitPattern: try r.u64(at: offset))))
                offset += 8
            case 3:
                result[key] = .double(Double(bitPattern: try r.u64(at: offset)))
                offset += 8
            case 4:
                let b = try r.u8(at: offset)
                guard b <= 1 else { throw StorageError.corrupt(path, "bad bool byte \(b) in metadata") }
                result[key] = .bool(b == 1)
                offset += 1
            default:
                throw StorageError.corrupt(path, "unknown metadata value type \(type)")
            }
        }
        guard offset == bytes.count else { throw StorageError.corrupt(path, "trailing bytes in metadata entry") }
        return result
    }
}
