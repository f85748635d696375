internal import CCrypto
import Foundation

/// MD5 over libcrypto's EVP interface.
///
/// Only for protocol checksums that require it (S3 `Content-MD5` on DeleteObjects); never for
/// security decisions.
public enum MD5 {
    /// Returns the 16-byte MD5 digest of `data`.
    public static func hash(_ data: Data) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        defer { EVP_MD_CTX_free(ctx) }
        EVP_DigestInit_ex(ctx, EVP_md5(), nil)
        data.withUnsafeBytes { raw in
            if let base = raw.baseAddress, raw.count > 0 { EVP_DigestUpdate(ctx, base, raw.count) }
        }
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(ctx, $0.baseAddress, &length) }
        return out
    }

    /// Base64 of the MD5 digest, the form HTTP's `Content-MD5` header uses.
    public static func base64Digest(_ data: Data) -> String {
        Data(hash(data)).base64EncodedString()
    }
}
