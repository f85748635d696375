import Foundation
import Testing
@testable import CryptoSupport

/// RS256 signatures checked by the `openssl` CLI (an independent implementation).
@Suite("RSA signer")
struct RSASignerTests {
    static let opensslAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")

    @discardableResult
    static func openssl(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    // Skips visibly on machines without the openssl CLI (CI has it).
    @Test(.enabled(if: opensslAvailable))
    func signatureVerifiesWithOpenSSLAndMatchesItsOwn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("key.pem").path
        let pub = dir.appendingPathComponent("pub.pem").path
        #expect(try Self.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key]) == 0)
        #expect(try Self.openssl(["pkey", "-in", key, "-pubout", "-out", pub]) == 0)
        let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0 한국어".utf8)
        let signer = try RSASigner(pem: try String(contentsOfFile: key, encoding: .utf8))
        let signature = try signer.sign(message)
        #expect(signature.count == 256)
        let msgFile = dir.appendingPathComponent("msg")
        let sigFile = dir.appendingPathComponent("sig")
        try Data(message).write(to: msgFile)
        try Data(signature).write(to: sigFile)
        #expect(try Self.openssl(["dgst", "-sha256", "-verify", pub, "-signature", sigFile.path, msgFile.path]) == 0)
        // PKCS#1 v1.5 is deterministic: identical to `openssl dgst -sha256 -sign`.
        let cliSig = dir.appendingPathComponent("cli.sig")
        #expect(try Self.openssl(["dgst", "-sha256", "-sign", key, "-out", cliSig.path, msgFile.path]) == 0)
        #expect(try Data(contentsOf: cliSig) == Data(signature))
        // A flipped message byte no longer verifies.
        try Data(message.dropFirst() + [0x41]).write(to: msgFile)
        #expect(try Self.openssl(["dgst", "-sha256", "-verify", pub, "-signature", sigFile.path, msgFile.path]) != 0)
    }

    @Test func badPEMIsATypedError() {
        #expect(throws: RSASigner.SigningError.self) { try RSASigner(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----") }
        #expect(throws: RSASigner.SigningError.self) { try RSASigner(pem: "") }
    }

    @Test func base64URLRoundTripsWithoutPadding() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf, 0x00, 0x01]
        let text = Base64URL.encode(bytes)
        #expect(text == "-_-_AAE")
        #expect(Base64URL.decode(text) == bytes)
    }
}
