import Foundation

/// Streams data into a gzip file through zlib in bounded memory (1 MiB output buffer).
///
/// ```swift
/// var writer = try GzipWriter(fileAt: url)
/// try writer.write(chunk)            // any number of times
/// try writer.finish()                // writes the trailer, optionally fsyncs
/// ```
/// The result is a single RFC 1952 member that `gzip -d` and `tar -xzf` read. The SHA-256 of the
/// compressed bytes is computed on the way out and returned by ``finish(synchronize:)``.
public struct GzipWriter: ~Copyable {
    /// What ``finish(synchronize:)`` reports.
    public struct Summary: Sendable, Hashable {
        /// Bytes given to ``GzipWriter/write(_:)``.
        public var uncompressedBytes: Int64
        /// Bytes written to the file.
        public var compressedBytes: Int64
        /// Lower-case hex SHA-256 of the file's bytes.
        public var sha256: String
    }

    /// Size of the compressed-output buffer.
    public static let chunkSize = 1 << 20

    private let stream: GzipStream
    private let file: GzipFileDescriptor
    private var hasher: SHA256
    private var uncompressed: Int64 = 0
    private var compressed: Int64 = 0
    private var finished = false

    /// Creates (or truncates) the file at `url`.
    /// - Parameters:
    ///   - url: destination file.
    ///   - level: zlib level 0 (store) … 9 (smallest); 6 is gzip's default, 1 is fastest.
    /// - Throws: ``GzipError`` with code `.io` (cannot create) or `.zlib` (bad level).
    public init(fileAt url: URL, level: Int32 = 6) throws {
        let stream = try GzipStream(mode: .deflate, level: level, path: url.path, bufferSize: Self.chunkSize)
        let file = try GzipFileDescriptor(writingTo: url)
        self.file = file
        self.stream = stream
        self.hasher = SHA256()
    }

    /// Compresses `data` and writes whatever zlib produces.
    /// - Throws: ``GzipError`` (`.io` on a failed write, `.finished` after ``finish(synchronize:)``).
    public mutating func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write(bytes: $0) }
    }

    /// Compresses raw bytes (no copy) and writes whatever zlib produces.
    public mutating func write(bytes: UnsafeRawBufferPointer) throws {
        guard !finished else {
            throw GzipError(code: .finished, message: "write after finish", path: file.path)
        }
        guard bytes.count > 0 else { return }
        uncompressed += Int64(bytes.count)
        try deflate(bytes, finish: false)
    }

    /// Writes the gzip trailer, optionally fsyncs, and closes the file.
    /// - Parameter synchronize: `fsync` the file before returning (durable archives).
    /// - Returns: sizes and the SHA-256 of the compressed file.
    @discardableResult
    public consuming func finish(synchronize: Bool = false) throws -> Summary {
        guard !finished else {
            throw GzipError(code: .finished, message: "finish called twice", path: file.path)
        }
        finished = true
        try deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true)
        if synchronize { try file.sync() }
        let digest = Hex.encode(hasher.finalize())
        return Summary(uncompressedBytes: uncompressed, compressedBytes: compressed, sha256: digest)
    }

    private mutating func deflate(_ bytes: UnsafeRawBufferPointer, finish: Bool) throws(GzipError) {
        let file = self.file
        let stream = self.stream
        let output = stream.buffer
        try stream.deflate(bytes, finish: finish, output: output) { (chunk) throws(GzipError) in
            try file.write(chunk)
            self.hasher.update(chunk)
            self.compressed += Int64(chunk.count)
        }
    }
}
