import CryptoSupport
import Foundation

/// One entry of a tar archive, after pax / GNU long-name headers were applied.
struct TarEntry: Sendable, Equatable {
    /// Path as stored (may be unsafe: the extractor checks it).
    var name: String
    /// Raw type flag (see ``TarHeader/Kind``).
    var typeFlag: UInt8
    /// Content length in bytes.
    var size: Int64
    /// Link target for symbolic and hard links.
    var linkName: String
    /// Permission bits as stored.
    var mode: UInt32

    var kind: TarHeader.Kind? { typeFlag == 0 ? .regular : TarHeader.Kind(rawValue: typeFlag) }
}

/// Streams entries out of a `.tar.gz` in bounded memory.
///
/// Call ``next()`` for each entry, then optionally ``readContent(_:)``; unread content is skipped.
struct TarReader: ~Copyable {
    private var gzip: GzipReader
    private var pending = Data()
    private var pendingOffset = 0
    /// Content bytes (plus padding) of the current entry not yet consumed.
    private var contentLeft: Int64 = 0
    private var paddingLeft: Int64 = 0
    private let archivePath: String

    /// Opens the archive.
    init(fileAt url: URL) throws {
        do { gzip = try GzipReader(fileAt: url) } catch {
            throw BackupError(code: .corruptArchive, message: "cannot open archive \(url.path)",
                              cause: error as? GzipError ?? SendableErrorBox(error))
        }
        archivePath = url.path
    }

    /// The next entry, or nil at the end-of-archive marker.
    /// - Throws: ``BackupError`` `.corruptArchive` on a bad header, bad gzip or truncation.
    mutating func next() throws -> TarEntry? {
        try skip(contentLeft + paddingLeft)
        contentLeft = 0
        paddingLeft = 0
        var paxPath: String?
        var paxSize: Int64?
        var paxLink: String?
        while true {
            guard let block = try readBlock() else {
                throw corrupt("archive ends without an end-of-archive marker")
            }
            if TarHeader.isZeroBlock(block[...]) { return nil }
            let header: TarHeader
            do { header = try TarHeader.decode(block[...]) } catch { throw corrupt(error.message) }
            switch header.kind {
            case .paxExtended, .paxGlobal:
                let records = try readSmallContent(header.size, what: "pax header")
                let parsed: [String: String]
                do { parsed = try PaxRecords.parse(records) } catch { throw corrupt(error.message) }
                // Global records ('g') only carry defaults we do not use (times, owners).
                if header.kind == .paxExtended {
                    paxPath = parsed["path"] ?? paxPath
                    paxLink = parsed["linkpath"] ?? paxLink
                    if let size = parsed["size"] {
                        guard let value = Int64(size), value >= 0 else { throw corrupt("bad pax size '\(size)'") }
                        paxSize = value
                    }
                }
            case .gnuLongName:
                paxPath = TarHeader.cString(try readSmallContent(header.size, what: "GNU long name")[...])
            case .gnuLongLink:
                paxLink = TarHeader.cString(try readSmallContent(header.size, what: "GNU long link")[...])
            default:
                let size = paxSize ?? header.size
                let entry = TarEntry(name: paxPath ?? header.name, typeFlag: header.typeFlag,
                                     size: header.kind == .directory || header.kind == .symbolicLink
                                        || header.kind == .hardLink ? 0 : size,
                                     linkName: paxLink ?? header.linkName, mode: header.mode)
                contentLeft = entry.size
                paddingLeft = (Int64(TarHeader.blockSize) - entry.size % Int64(TarHeader.blockSize))
                    % Int64(TarHeader.blockSize)
                return entry
            }
        }
    }

    /// Streams the current entry's content to `body` in chunks of at most 1 MiB.
    mutating func readContent(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        while contentLeft > 0 {
            try ensurePending()
            let available = pending.count - pendingOffset
            let take = Int(min(Int64(available), contentLeft))
            try pending.withUnsafeBytes { raw in
                try body(UnsafeRawBufferPointer(rebasing: raw[pendingOffset..<(pendingOffset + take)]))
            }
            pendingOffset += take
            contentLeft -= Int64(take)
        }
        try skip(paddingLeft)
        paddingLeft = 0
    }

    // MARK: - Byte stream

    private func corrupt(_ message: String) -> BackupError {
        BackupError(code: .corruptArchive, message: "corrupt archive \(archivePath): \(message)")
    }

    private mutating func ensurePending() throws {
        if pendingOffset < pending.count { return }
        let chunk: Data?
        do { chunk = try gzip.read(maxBytes: 1 << 20) } catch {
            throw BackupError(code: .corruptArchive, message: "corrupt archive \(archivePath)",
                              cause: error as? GzipError ?? SendableErrorBox(error))
        }
        guard let chunk else { throw corrupt("unexpected end of data (truncated archive)") }
        pending = chunk
        pendingOffset = 0
    }

    /// Reads one 512-byte block; nil at a clean end of data (no bytes at all).
    private mutating func readBlock() throws -> [UInt8]? {
        var block: [UInt8] = []
        block.reserveCapacity(TarHeader.blockSize)
        while block.count < TarHeader.blockSize {
            if pendingOffset >= pending.count {
                let chunk: Data?
                do { chunk = try gzip.read(maxBytes: 1 << 20) } catch {
                    throw BackupError(code: .corruptArchive, message: "corrupt archive \(archivePath)",
                                      cause: error as? GzipError ?? SendableErrorBox(error))
                }
                guard let chunk else {
                    if block.isEmpty { return nil }
                    throw corrupt("unexpected end of data inside a header")
                }
                pending = chunk
                pendingOffset = 0
            }
            let take = min(TarHeader.blockSize - block.count, pending.count - pendingOffset)
            block += pending[(pending.startIndex + pendingOffset)..<(pending.startIndex + pendingOffset + take)]
            pendingOffset += take
        }
        return block
    }

    private mutating func skip(_ count: Int64) throws {
        var left = count
        while left > 0 {
            try ensurePending()
            let take = Int(min(Int64(pending.count - pendingOffset), left))
            pendingOffset += take
            left -= Int64(take)
        }
    }

    /// Reads a small header payload (pax records, long names) plus its padding; at most 1 MiB.
    private mutating func readSmallContent(_ size: Int64, what: String) throws -> [UInt8] {
        guard size >= 0, size <= 1 << 20 else { throw corrupt("\(what) of \(size) bytes is too large") }
        contentLeft = size
        paddingLeft = (Int64(TarHeader.blockSize) - size % Int64(TarHeader.blockSize)) % Int64(TarHeader.blockSize)
        var bytes: [UInt8] = []
        try readContent { bytes += $0 }
        return bytes
    }
}
