import Foundation

/// One tar header block (POSIX ustar, 512 bytes), encoded and decoded.
///
/// Names longer than ustar's 100 (+155 prefix) bytes and sizes beyond 8 GiB are carried in a
/// preceding pax extended header (see ``TarWriter``); the reader also accepts GNU `L`/`K` long
/// names and base-256 numbers, as written by GNU tar.
struct TarHeader: Sendable, Equatable {
    /// Entry type (`typeflag`).
    enum Kind: UInt8, Sendable {
        case regular = 0x30          // '0'
        case hardLink = 0x31         // '1'
        case symbolicLink = 0x32     // '2'
        case characterDevice = 0x33  // '3'
        case blockDevice = 0x34      // '4'
        case directory = 0x35        // '5'
        case fifo = 0x36             // '6'
        case contiguous = 0x37       // '7' (treated as regular)
        case paxExtended = 0x78      // 'x'
        case paxGlobal = 0x67        // 'g'
        case gnuLongName = 0x4C      // 'L'
        case gnuLongLink = 0x4B      // 'K'
    }

    static let blockSize = 512

    var name: String
    var mode: UInt32
    var size: Int64
    var modificationTime: Int64
    /// Raw typeflag (`0` NUL is an old-style regular file).
    var typeFlag: UInt8
    var linkName: String

    var kind: Kind? {
        typeFlag == 0 ? .regular : Kind(rawValue: typeFlag)
    }

    // MARK: - Encoding

    /// Encodes as a ustar block. `name` must fit (≤ 100 bytes, or prefix ≤ 155 + "/" + name ≤ 100).
    func encode() -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        let (prefix, shortName) = Self.split(name) ?? ("", String(decoding: Array(name.utf8).prefix(100), as: UTF8.self))
        Self.put(Array(shortName.utf8), into: &block, at: 0, width: 100)
        Self.putOctal(UInt64(mode), into: &block, at: 100, width: 8)
        Self.putOctal(0, into: &block, at: 108, width: 8)
        Self.putOctal(0, into: &block, at: 116, width: 8)
        Self.putOctal(UInt64(max(0, min(size, Self.maxOctal12))), into: &block, at: 124, width: 12)
        Self.putOctal(UInt64(max(0, min(modificationTime, Self.maxOctal12))), into: &block, at: 136, width: 12)
        block[156] = typeFlag
        Self.put(Array(linkName.utf8).prefix(100).map { $0 }, into: &block, at: 157, width: 100)
        Self.put(Array("ustar".utf8) + [0], into: &block, at: 257, width: 6)
        Self.put(Array("00".utf8), into: &block, at: 263, width: 2)
        Self.put(Array(prefix.utf8), into: &block, at: 345, width: 155)
        // Checksum: sum of all bytes with the checksum field read as spaces.
        for i in 148..<156 { block[i] = 0x20 }
        let sum = block.reduce(0) { $0 + UInt32($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        let padded = [UInt8](repeating: 0x30, count: max(0, 6 - digits.count)) + digits
        for (i, byte) in padded.suffix(6).enumerated() { block[148 + i] = byte }
        block[154] = 0
        block[155] = 0x20
        return block
    }

    /// Largest value an 11-digit octal field holds (8 GiB − 1).
    static let maxOctal12: Int64 = 0o77777777777

    /// Whether the name and size fit plain ustar (else a pax header is needed).
    var fitsUstar: Bool {
        size <= Self.maxOctal12 && Self.split(name) != nil && linkName.utf8.count <= 100
    }

    /// Splits a path into ustar (prefix, name), or nil when it cannot fit.
    static func split(_ path: String) -> (String, String)? {
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return ("", path) }
        guard bytes.count <= 256 else { return nil }
        // Find a "/" such that prefix ≤ 155 and the rest ≤ 100.
        for index in stride(from: min(155, bytes.count - 1), through: 1, by: -1) where bytes[index] == 0x2F {
            let rest = bytes.count - index - 1
            if rest > 0 && rest <= 100 {
                return (String(decoding: bytes[..<index], as: UTF8.self),
                        String(decoding: bytes[(index + 1)...], as: UTF8.self))
            }
        }
        return nil
    }

    private static func put(_ bytes: [UInt8], into block: inout [UInt8], at offset: Int, width: Int) {
        for (i, byte) in bytes.prefix(width).enumerated() { block[offset + i] = byte }
    }

    private static func putOctal(_ value: UInt64, into block: inout [UInt8], at offset: Int, width: Int) {
        let digits = Array(String(value, radix: 8).utf8)
        let padded = [UInt8](repeating: 0x30, count: max(0, width - 1 - digits.count)) + digits
        put(padded, into: &block, at: offset, width: width - 1)
        block[offset + width - 1] = 0
    }

    // MARK: - Decoding

    /// Whether a block is all zeros (end-of-archive marker).
    static func isZeroBlock(_ block: ArraySlice<UInt8>) -> Bool { block.allSatisfy { $0 == 0 } }

    /// Decodes a block; `nil` message explains why it is invalid.
    static func decode(_ block: ArraySlice<UInt8>) throws(TarFormatError) -> TarHeader {
        let base = block.startIndex
        guard block.count == blockSize else { throw .init("short header block") }
        let stored = try parseNumber(block[(base + 148)..<(base + 156)], field: "chksum")
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, byte) in block.enumerated() {
            let value: UInt8 = (148..<156).contains(i) ? 0x20 : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        guard stored == unsigned || stored == signed else {
            throw .init("header checksum mismatch (stored \(stored), computed \(unsigned))")
        }
        let magic = Array(block[(base + 257)..<(base + 262)])
        let isUstar = magic == Array("ustar".utf8)
        var name = cString(block[base..<(base + 100)])
        if isUstar {
            let prefix = cString(block[(base + 345)..<(base + 500)])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let size = try parseNumber(block[(base + 124)..<(base + 136)], field: "size")
        guard size >= 0 else { throw .init("negative size") }
        return TarHeader(
            name: name,
            mode: UInt32(truncatingIfNeeded: try parseNumber(block[(base + 100)..<(base + 108)], field: "mode")),
            size: size,
            modificationTime: (try? parseNumber(block[(base + 136)..<(base + 148)], field: "mtime")) ?? 0,
            typeFlag: block[base + 156],
            linkName: cString(block[(base + 157)..<(base + 257)]))
    }

    static func cString(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// Parses an octal (NUL/space terminated) or base-256 numeric field.
    static func parseNumber(_ field: ArraySlice<UInt8>, field name: String) throws(TarFormatError) -> Int64 {
        guard let first = field.first else { return 0 }
        if first & 0x80 != 0 {
            // Base-256 (GNU): big-endian two's complement in the remaining bits.
            guard first == 0x80, field.count <= 12 else { throw .init("unsupported base-256 \(name)") }
            var value: Int64 = 0
            for byte in field.dropFirst() {
                guard value <= (Int64.max >> 8) else { throw .init("\(name) overflows") }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in field {
            if byte == 0 || byte == 0x20 {
                if seenDigit { break } else { continue }
            }
            guard (0x30...0x37).contains(byte) else { throw .init("invalid octal digit in \(name)") }
            guard value <= (Int64.max >> 3) else { throw .init("\(name) overflows") }
            value = value << 3 | Int64(byte - 0x30)
            seenDigit = true
        }
        return value
    }
}

/// Why a tar block or pax record is malformed (internal; becomes ``BackupError`` `.corruptArchive`).
struct TarFormatError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}
