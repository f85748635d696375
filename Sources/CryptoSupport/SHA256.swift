internal import CCrypto
import Foundation

/// Incremental SHA-256 over libcrypto's EVP interface.
///
/// Use ``SHA256/hash(_:)`` for one buffer, or create a value, ``update(_:)`` it with chunks and
/// ``finalize()`` once (streaming large files in bounded memory).
public struct SHA256: ~Copyable {
    // The EVP context is owned by this non-copyable value and freed in `deinit`.
    private let context: OpaquePointer

    /// Creates a fresh hashing context.
    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
        context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Feeds a `Data` value into the hash.
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// Feeds the UTF-8 bytes of a string into the hash.
    public mutating func update(_ string: String) {
        var copy = string
        copy.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Returns the 32-byte digest; the value must not be updated afterwards.
    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out
    }

    /// Digest of one buffer.
    public static func hash(_ data: Data) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalize()
    }

    /// Digest of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Data(string.utf8))
    }

    /// Lower-case hex digest of one buffer.
    public static func hexHash(_ data: Data) -> String { Hex.encode(hash(data)) }

    /// Lower-case hex digest of a string's UTF-8 bytes.
    public static func hexHash(_ string: String) -> String { Hex.encode(hash(string)) }

    /// Streams a file through SHA-256 in 1 MiB chunks; returns the lower-case hex digest.
    /// - Throws: `CocoaError` when the file cannot be read.
    public static func hexHash(fileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return Hex.encode(hasher.finalize())
    }
}

/// HMAC-SHA256 (RFC 2104) over libcrypto.
public enum HMACSHA256 {
    /// Returns the 32-byte MAC of `message` under `key`.
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress, m.count,
                             o.baseAddress, &length)
                }
            }
        }
        return out
    }

    /// Convenience: MAC of a string's UTF-8 bytes.
    public static func mac(key: [UInt8], message: String) -> [UInt8] {
        mac(key: key, message: Array(message.utf8))
    }
}

/// Lower-case hexadecimal encoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lower-case hex.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case); returns nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let hi = nibble(chars[index]), let lo = nibble(chars[index + 1]) else { return nil }
            out.append(hi << 4 | lo)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
