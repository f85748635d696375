import CryptoSupport
import Foundation

/// Streams the decompressed bytes of a `.gz` file in 1 MiB chunks.
enum GzipLines {
    static func read(url: URL, _ body: (Data) throws -> Void) throws {
        var reader: GzipReader
        do { reader = try GzipReader(fileAt: url) } catch {
            throw PipelineError(code: .inputUnreadable, message: "input file \(url.path) cannot be opened", cause: error)
        }
        while true {
            let chunk: Data?
            do { chunk = try reader.read(maxBytes: 1 << 20) } catch {
                throw PipelineError(code: .inputUnreadable,
                                    message: "input file \(url.path): gzip data is damaged or truncated", cause: error)
            }
            guard let chunk else { break }
            try body(chunk)
        }
    }
}
