internal import CZlib
import Foundation

/// Streams a gzip file through zlib in bounded memory (1 MiB input buffer).
///
/// Reads concatenated members (as `gzip -d` does, e.g. `cat a.gz b.gz`). Truncated input, bad
/// CRCs and trailing garbage are ``GzipError``s naming the file.
/// ```swift
/// var reader = try GzipReader(fileAt: url)
/// while let chunk = try reader.read(maxBytes: 1 << 20) { … }
/// ```
public struct GzipReader: ~Copyable {
    /// Size of the compressed-input buffer.
    public static let chunkSize = 1 << 20

    private let stream: GzipStream
    private let file: GzipFileDescriptor
    private var fileEnded = false
    /// Between members: the last member ended and the next one has not started yet.
    private var memberEnded = false
    private var finished = false
    private var fileBytesRead = 0

    /// Opens `url` for reading.
    /// - Throws: ``GzipError`` with code `.io` when the file cannot be opened.
    public init(fileAt url: URL) throws {
        let file = try GzipFileDescriptor(readingFrom: url)
        let stream = try GzipStream(mode: .inflate, path: url.path, bufferSize: Self.chunkSize)
        self.file = file
        self.stream = stream
    }

    /// Returns up to `maxBytes` decompressed bytes (at least one), or nil at the end of the data.
    /// - Throws: ``GzipError`` `.corrupt` (bad header/CRC/trailing garbage), `.truncated`, `.io`.
    public mutating func read(maxBytes: Int) throws -> Data? {
        precondition(maxBytes > 0, "maxBytes must be positive")
        if finished { return nil }
        var out = Data(count: maxBytes)
        let produced = try out.withUnsafeMutableBytes { try fill($0) }
        if produced == 0 {
            finished = true
            return nil
        }
        out.count = produced
        return out
    }

    /// Reads everything that remains (convenience for small files).
    public mutating func readToEnd() throws -> Data {
        var all = Data()
        while let chunk = try read(maxBytes: Self.chunkSize) { all.append(chunk) }
        return all
    }

    private mutating func refill() throws(GzipError) -> Bool {
        guard !fileEnded else { return false }
        let input = stream.buffer
        let n = try file.read(into: input)
        if n == 0 {
            fileEnded = true
            return false
        }
        fileBytesRead += n
        stream.stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.stream.pointee.avail_in = uInt(n)
        return true
    }

    private mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(GzipError) -> Int {
        let z = stream.stream
        z.pointee.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
        z.pointee.avail_out = uInt(buffer.count)
        while z.pointee.avail_out > 0 {
            if z.pointee.avail_in == 0 {
                if !(try refill()) {
                    // End of file: fine between members, an error inside one.
                    if memberEnded { break }
                    if fileBytesRead == 0 {
                        throw GzipError(code: .truncated, message: "empty file is not gzip data", path: file.path)
                    }
                    throw GzipError(code: .truncated,
                                    message: "unexpected end of gzip data at byte \(fileBytesRead)",
                                    path: file.path)
                }
            }
            if memberEnded {
                // Another member must start with the gzip magic; anything else is trailing garbage.
                let next = z.pointee.next_in.pointee
                guard next == 0x1f else {
                    throw GzipError(code: .corrupt,
                                    message: "trailing garbage after gzip data (byte 0x\(String(next, radix: 16)))",
                                    path: file.path)
                }
                try stream.resetInflate()
                memberEnded = false
            }
            let status = inflate(z, Z_NO_FLUSH)
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                memberEnded = true
            case Z_BUF_ERROR:
                // No progress possible: needs more input (handled at the top of the loop).
                if z.pointee.avail_in != 0 {
                    throw GzipError(code: .corrupt, message: stream.message(status: status), path: file.path)
                }
            default:
                throw GzipError(code: .corrupt, message: stream.message(status: status), path: file.path)
            }
        }
        return buffer.count - Int(z.pointee.avail_out)
    }
}
