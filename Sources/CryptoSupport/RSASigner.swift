internal import CCrypto
import Foundation

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signing with a PEM private key, via libcrypto's
/// `EVP_DigestSign`. Signatures are byte-identical to `openssl dgst -sha256 -sign key.pem`.
public final class RSASigner: @unchecked Sendable {
    // @unchecked: `key` is immutable after init and EVP_PKEY is safe for concurrent signing
    // (each call creates its own EVP_MD_CTX); freed in deinit.
    private let key: OpaquePointer

    /// Errors from key loading and signing; messages never include key material.
    public struct SigningError: Error, Sendable, CustomStringConvertible {
        /// What failed, e.g. "private key is not a PEM RSA key".
        public var message: String
        public var description: String { message }
    }

    /// Loads a PEM private key (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`).
    /// - Throws: ``SigningError`` when the PEM cannot be parsed or is not RSA.
    public init(pem: String) throws {
        let bytes = Array(pem.utf8)
        let parsed: OpaquePointer? = bytes.withUnsafeBytes { raw -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let parsed else {
            ERR_clear_error()
            throw SigningError(message: "private key is not a readable PEM private key")
        }
        guard EVP_PKEY_get_base_id(parsed) == EVP_PKEY_RSA else {
            EVP_PKEY_free(parsed)
            throw SigningError(message: "private key is not an RSA key")
        }
        key = parsed
    }

    deinit { EVP_PKEY_free(key) }

    /// Signs `message` with RS256.
    /// - Throws: ``SigningError`` when libcrypto fails.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw SigningError(message: "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, EVP_sha256(), nil, key) == 1 else {
            ERR_clear_error()
            throw SigningError(message: "EVP_DigestSignInit failed")
        }
        var length = 0
        let ok = message.withUnsafeBytes { raw -> Bool in
            guard EVP_DigestSign(ctx, nil, &length, raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                 raw.count) == 1 else { return false }
            return true
        }
        guard ok, length > 0 else {
            ERR_clear_error()
            throw SigningError(message: "EVP_DigestSign (length) failed")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = message.withUnsafeBytes { raw -> Bool in
            signature.withUnsafeMutableBufferPointer { out in
                EVP_DigestSign(ctx, out.baseAddress, &length, raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               raw.count) == 1
            }
        }
        guard signed else {
            ERR_clear_error()
            throw SigningError(message: "EVP_DigestSign failed")
        }
        return Array(signature.prefix(length))
    }
}

/// Base64url without padding (RFC 4648 §5), as JWTs use.
public enum Base64URL {
    /// Encodes bytes.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes text; nil when invalid.
    public static func decode(_ text: String) -> [UInt8]? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map { Array($0) }
    }
}
