import CryptoSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a POSIX tar archive (ustar, pax headers for long names/huge files) into a gzip file.
///
/// The output opens with plain `tar -xzf`. File contents are streamed in 1 MiB chunks and hashed
/// (SHA-256) on the way, so an archive of any size needs constant memory.
struct TarWriter: ~Copyable {
    /// Size, digest and path of one archived file.
    struct FileDigest: Sendable, Hashable {
        var path: String
        var size: Int64
        var sha256: String
    }

    private var gzip: GzipWriter
    private let chunk = ChunkBuffer()
    private let archivePath: String
    private var paxCounter = 0

    /// Creates (or truncates) the `.tar.gz` at `url`.
    init(fileAt url: URL, compressionLevel: Int32) throws {
        let gzip: GzipWriter
        do { gzip = try GzipWriter(fileAt: url, level: compressionLevel) } catch {
            throw BackupError.io("cannot create archive \(url.path)", cause: error)
        }
        self.gzip = gzip
        archivePath = url.path
    }

    /// Adds a directory entry (`path` without trailing slash).
    mutating func addDirectory(_ path: String, modificationTime: Int64 = 0) throws {
        try writeHeader(TarHeader(name: path + "/", mode: 0o755, size: 0, modificationTime: modificationTime,
                                  typeFlag: TarHeader.Kind.directory.rawValue, linkName: ""))
    }

    /// Adds a regular file read from `url`, stored as `path`; returns its size and SHA-256.
    /// - Throws: ``BackupError`` `.sourceChanged` if the file's length changes while it is read.
    mutating func addFile(at url: URL, as path: String, relativePath: String) throws -> FileDigest {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT {
                throw BackupError(code: .sourceChanged, message: "file \(url.path) disappeared during backup")
            }
            throw BackupError.io("open", path: url.path, errno: code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BackupError.io("fstat", path: url.path, errno: errno) }
        let size = Int64(info.st_size)
        try writeHeader(TarHeader(name: path, mode: 0o644, size: size, modificationTime: Int64(info.st_mtim.tv_sec),
                                  typeFlag: TarHeader.Kind.regular.rawValue, linkName: ""))
        var hasher = SHA256()
        var remaining = size
        let buffer = chunk.bytes
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw BackupError.io("read", path: url.path, errno: errno)
            }
            if n == 0 { break }
            guard Int64(n) <= remaining else {
                throw BackupError(code: .sourceChanged, message: "file \(url.path) grew while being archived")
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(chunk)
            try writeBytes(chunk)
            remaining -= Int64(n)
        }
        guard remaining == 0 else {
            throw BackupError(code: .sourceChanged, message: "file \(url.path) shrank while being archived")
        }
        try pad(size)
        return FileDigest(path: relativePath, size: size, sha256: Hex.encode(hasher.finalize()))
    }

    /// Adds an entry with explicit header fields and content (tests craft hostile archives).
    mutating func addRawEntry(name: String, typeFlag: UInt8, content: Data = Data(), linkName: String = "",
                              mode: UInt32 = 0o644) throws {
        var header = TarHeader(name: name, mode: mode, size: Int64(content.count), modificationTime: 0,
                               typeFlag: typeFlag, linkName: linkName)
        if typeFlag != TarHeader.Kind.regular.rawValue && typeFlag != 0 { header.size = Int64(content.count) }
        try writeHeader(header)
        try content.withUnsafeBytes { try writeBytes($0) }
        try pad(Int64(content.count))
    }

    /// Writes the end-of-archive marker and the gzip trailer; fsyncs the file.
    consuming func finish() throws -> GzipWriter.Summary {
        let zeros = [UInt8](repeating: 0, count: TarHeader.blockSize * 2)
        try zeros.withUnsafeBytes { try writeBytes($0) }
        do { return try gzip.finish(synchronize: true) } catch {
            throw BackupError.io("cannot finish archive \(archivePath)", cause: error)
        }
    }

    // MARK: - Blocks

    private mutating func writeHeader(_ header: TarHeader) throws {
        if !header.fitsUstar {
            var pairs: [(String, String)] = [("path", header.name)]
            if header.size > TarHeader.maxOctal12 { pairs.append(("size", String(header.size))) }
            if header.linkName.utf8.count > 100 { pairs.append(("linkpath", header.linkName)) }
            let records = PaxRecords.encode(pairs)
            paxCounter += 1
            let paxHeader = TarHeader(name: "PaxHeaders/\(paxCounter)", mode: 0o644, size: Int64(records.count),
                                      modificationTime: header.modificationTime,
                                      typeFlag: TarHeader.Kind.paxExtended.rawValue, linkName: "")
            try paxHeader.encode().withUnsafeBytes { try writeBytes($0) }
            try records.withUnsafeBytes { try writeBytes($0) }
            try pad(Int64(records.count))
        }
        try header.encode().withUnsafeBytes { try writeBytes($0) }
    }

    private mutating func pad(_ size: Int64) throws {
        let remainder = Int(size % Int64(TarHeader.blockSize))
        guard remainder != 0 else { return }
        let zeros = [UInt8](repeating: 0, count: TarHeader.blockSize - remainder)
        try zeros.withUnsafeBytes { try writeBytes($0) }
    }

    private mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) throws {
        do { try gzip.write(bytes: bytes) } catch {
            throw BackupError.io("cannot write archive \(archivePath)", cause: error)
        }
    }
}
