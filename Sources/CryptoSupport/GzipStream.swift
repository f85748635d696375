internal import CZlib
import Foundation

/// Owns one zlib `z_stream` (deflate or inflate, gzip wrapper) on the heap.
///
/// Internal building block of ``GzipWriter``, ``GzipReader`` and ``GzipData``. Not Sendable; used
/// by one owner at a time. The stream pointer is stable for zlib's internal back-pointer.
final class GzipStream {
    enum Mode { case deflate, inflate }

    let mode: Mode
    let stream: UnsafeMutablePointer<z_stream>
    let path: String?
    /// Scratch buffer (compressed output for deflate, compressed input for inflate).
    let buffer: UnsafeMutableRawBufferPointer
    private var isOpen = false

    /// Window bits 15 + 16 selects the gzip wrapper (RFC 1952).
    private static let gzipWindowBits: Int32 = 15 + 16

    init(mode: Mode, level: Int32 = 6, path: String?, bufferSize: Int = 1 << 20) throws(GzipError) {
        self.mode = mode
        self.path = path
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let size = Int32(MemoryLayout<z_stream>.size)
        let status: Int32
        switch mode {
        case .deflate:
            guard (0...9).contains(level) || level == -1 else {
                // `self` is fully initialised: deinit frees the memory (isOpen stays false).
                throw GzipError(code: .zlib, message: "invalid compression level \(level) (use 0-9)", path: path)
            }
            status = deflateInit2_(stream, level, Z_DEFLATED, Self.gzipWindowBits, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), size)
        case .inflate:
            status = inflateInit2_(stream, Self.gzipWindowBits, zlibVersion(), size)
        }
        guard status == Z_OK else {
            throw GzipError(code: .zlib, message: "zlib init failed (status \(status))", path: path)
        }
        isOpen = true
    }

    deinit {
        if isOpen {
            switch mode {
            case .deflate: deflateEnd(stream)
            case .inflate: inflateEnd(stream)
            }
        }
        stream.deinitialize(count: 1)
        stream.deallocate()
        buffer.deallocate()
    }

    /// zlib's last message, or a description of the status code.
    func message(status: Int32) -> String {
        if let msg = stream.pointee.msg { return "zlib: \(String(cString: msg)) (status \(status))" }
        return "zlib status \(status)"
    }

    /// Starts a new gzip member after `Z_STREAM_END` (concatenated members, RFC 1952 §2.2).
    func resetInflate() throws(GzipError) {
        let status = inflateReset(stream)
        guard status == Z_OK else { throw GzipError(code: .zlib, message: message(status: status), path: path) }
    }

    /// Runs deflate over `input` (may be empty) with `flush`, handing every produced chunk to `sink`.
    func deflate(_ input: UnsafeRawBufferPointer, finish: Bool, output: UnsafeMutableRawBufferPointer,
                 sink: (UnsafeRawBufferPointer) throws(GzipError) -> Void) throws(GzipError) {
        let base = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        var remaining = input.count
        var offset = 0
        repeat {
            // zlib counts in 32-bit `uInt`; feed at most 1 GiB per call.
            let slice = min(remaining, 1 << 30)
            stream.pointee.next_in = base.map { $0 + offset }
            stream.pointee.avail_in = uInt(slice)
            let isLastSlice = slice == remaining
            let flush = (finish && isLastSlice) ? Z_FINISH : Z_NO_FLUSH
            while true {
                stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(output.count)
                let status = CZlib.deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw GzipError(code: .zlib, message: message(status: status), path: path)
                }
                let produced = output.count - Int(stream.pointee.avail_out)
                if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
                if flush == Z_FINISH {
                    if status == Z_STREAM_END { break }
                } else if stream.pointee.avail_out != 0 {
                    break
                }
            }
            offset += slice
            remaining -= slice
        } while remaining > 0
    }
}
