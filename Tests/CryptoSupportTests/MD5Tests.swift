import CryptoSupport
import Foundation
import Testing

@Suite("MD5")
struct MD5Tests {
    /// RFC 1321 appendix A.5 test suite.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321Vectors(input: String, expected: String) {
        #expect(Hex.encode(MD5.hash(Data(input.utf8))) == expected)
    }

    @Test func base64FormForContentMD5() {
        // base64 of d41d8cd98f00b204e9800998ecf8427e
        #expect(MD5.base64Digest(Data()) == "1B2M2Y8AsgTpgAmY7PhCfg==")
    }
}
