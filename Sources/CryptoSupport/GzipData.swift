internal import CZlib
import Foundation

/// One-shot gzip compression and decompression of in-memory buffers.
public enum GzipData {
    /// Compresses `data` into one gzip member.
    /// - Parameter level: zlib level 0…9 (6 = gzip's default).
    /// - Throws: ``GzipError`` `.zlib` when zlib refuses (bad level, out of memory).
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        let stream = try GzipStream(mode: .deflate, level: level, path: nil, bufferSize: 256 << 10)
        let buffer = stream.buffer
        var out = Data()
        try data.withUnsafeBytes { bytes in
            try stream.deflate(bytes, finish: true, output: buffer) { (chunk) throws(GzipError) in
                out.append(contentsOf: chunk)
            }
        }
        return out
    }

    /// Decompresses gzip data, including several concatenated members.
    /// - Parameter path: file name used in error messages, when the bytes came from a file.
    /// - Throws: ``GzipError`` `.corrupt` (bad header/CRC, trailing garbage) or `.truncated`.
    public static func decompress(_ data: Data, path: String? = nil) throws -> Data {
        guard !data.isEmpty else {
            throw GzipError(code: .truncated, message: "empty input is not gzip data", path: path)
        }
        let stream = try GzipStream(mode: .inflate, path: path, bufferSize: 256 << 10)
        let z = stream.stream
        let buffer = stream.buffer
        var out = Data()
        try data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return }
            var offset = 0
            var inMember = false
            var membersSeen = 0
            while true {
                if z.pointee.avail_in == 0 {
                    if offset >= bytes.count { break }
                    // zlib counts in 32-bit `uInt`: feed at most 1 GiB at a time.
                    let slice = min(bytes.count - offset, 1 << 30)
                    z.pointee.next_in = UnsafeMutablePointer(mutating: base + offset)
                    z.pointee.avail_in = uInt(slice)
                    offset += slice
                }
                if !inMember {
                    // Every member (also a further, concatenated one) starts with the gzip magic.
                    guard z.pointee.next_in.pointee == 0x1f else {
                        let at = offset - Int(z.pointee.avail_in)
                        throw GzipError(code: .corrupt, message: membersSeen == 0
                                        ? "not gzip data (bad magic at byte 0)"
                                        : "trailing garbage after gzip data at byte \(at)", path: path)
                    }
                    if membersSeen > 0 { try stream.resetInflate() }
                    inMember = true
                }
                z.pointee.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
                z.pointee.avail_out = uInt(buffer.count)
                let status = inflate(z, Z_NO_FLUSH)
                let produced = buffer.count - Int(z.pointee.avail_out)
                if produced > 0 { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<produced])) }
                switch status {
                case Z_STREAM_END:
                    inMember = false
                    membersSeen += 1
                case Z_OK:
                    continue
                case Z_BUF_ERROR where z.pointee.avail_in == 0:
                    continue
                default:
                    throw GzipError(code: .corrupt, message: stream.message(status: status), path: path)
                }
            }
            if inMember {
                throw GzipError(code: .truncated, message: "unexpected end of gzip data", path: path)
            }
        }
        return out
    }
}
