/// The 16-byte footer shared by the index file formats: body length u64 | masked CRC32C u32 of
/// the body | a 4-byte kind tag. Readers check it before parsing anything else.
enum IndexFileFooter {
    static let size = 16

    /// Appends the footer over everything written so far.
    static func append(to w: inout ByteWriter, tag: [UInt8]) {
        let bodyLength = w.bytes.count
        let crc = CRC32C.checksum(w.bytes)
        w.write(UInt64(bodyLength))
        w.write(CRC32C.mask(crc))
        w.bytes.append(contentsOf: tag)
    }

    /// A reader over the body of `raw`, just past the magic and the u32 format version, after
    /// checking the footer tag, the length, the magic, the CRC and the version.
    ///
    /// - Parameter what: the format's name in error messages ("an HNSW index").
    static func openBody(_ raw: UnsafeRawBufferPointer, magic: [UInt8], tag: [UInt8], headerSize: Int, version expected: UInt32,
                         what: String) throws(VectorIndexError) -> ByteReader {
        guard raw.count >= headerSize + size else {
            throw .corrupt("\(raw.count) bytes is shorter than header + footer (\(headerSize + size))")
        }
        var f = ByteReader(raw, offset: raw.count - size)
        let bodyLength = try f.read(UInt64.self, field: "footer.bodyLength")
        let storedCRC = CRC32C.unmask(try f.read(UInt32.self, field: "footer.crc"))
        guard Array(raw[(raw.count - 4)...]) == tag else { throw .corrupt("footer magic missing (truncated or not \(what))") }
        guard bodyLength == UInt64(raw.count - size) else {
            throw .corrupt("footer says \(bodyLength) body bytes, found \(raw.count - size)")
        }
        guard Array(raw[0..<magic.count]) == magic else { throw .corrupt("bad magic at offset 0") }
        let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - size)])
        let actualCRC = CRC32C.checksum(body)
        guard actualCRC == storedCRC else {
            throw .corrupt("checksum mismatch (stored 0x\(String(storedCRC, radix: 16)), computed 0x\(String(actualCRC, radix: 16)))")
        }
        var r = ByteReader(body, offset: magic.count)
        let version = try r.read(UInt32.self, field: "formatVersion")
        guard version == expected else {
            throw VectorIndexError(code: .formatVersion, message: "\(what) of format version \(version); this build reads \(expected)")
        }
        return r
    }
}
