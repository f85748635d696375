import CryptoSupport
import Foundation
import Testing
@testable import Providers

/// The service-account JWT, verified by `openssl dgst -sha256 -verify` with the public key.
@Suite("Service-account JWT")
struct JWTTests {
    static let openssl = "/usr/bin/openssl"

    static func run(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: openssl)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    // Skips visibly without the openssl CLI (CI has it).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openssl)))
    func assertionIsRS256SignedAndHasGoogleClaims() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("key.pem").path
        let pubPath = dir.appendingPathComponent("pub.pem").path
        #expect(try Self.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath]) == 0)
        #expect(try Self.run(["pkey", "-in", keyPath, "-pubout", "-out", pubPath]) == 0)
        let json: [String: Any] = ["type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com",
                                   "private_key": try String(contentsOfFile: keyPath, encoding: .utf8),
                                   "private_key_id": "kid-7", "token_uri": "https://oauth2.googleapis.com/token", "project_id": "p"]
        let key = try ServiceAccountKey.parse(try JSONSerialization.data(withJSONObject: json), source: "sa.json")
        #expect(key.projectID == "p")
        let jwt = try key.makeAssertion(issuedAt: 1_700_000_000)
        let parts = jwt.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = Fixtures.json(Data(try #require(Base64URL.decode(parts[0]))))
        #expect(header["alg"] as? String == "RS256" && header["typ"] as? String == "JWT" && header["kid"] as? String == "kid-7")
        let claims = Fixtures.json(Data(try #require(Base64URL.decode(parts[1]))))
        #expect(claims["iss"] as? String == "sa@p.iam.gserviceaccount.com")
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform")
        #expect(claims["iat"] as? Int == 1_700_000_000 && claims["exp"] as? Int == 1_700_003_600)
        let msg = dir.appendingPathComponent("msg")
        let sig = dir.appendingPathComponent("sig")
        try Data((parts[0] + "." + parts[1]).utf8).write(to: msg)
        try Data(try #require(Base64URL.decode(parts[2]))).write(to: sig)
        #expect(try Self.run(["dgst", "-sha256", "-verify", pubPath, "-signature", sig.path, msg.path]) == 0)
        try Data((parts[0] + "." + parts[1] + "x").utf8).write(to: msg)
        #expect(try Self.run(["dgst", "-sha256", "-verify", pubPath, "-signature", sig.path, msg.path]) != 0)
    }

    @Test func keyFileErrorsNameTheField() {
        let missing = #expect(throws: ProviderError.self) {
            try ServiceAccountKey.parse(Data(#"{"type":"service_account","private_key":"x"}"#.utf8), source: "/k/sa.json")
        }
        #expect(missing?.message == "/k/sa.json: field \"client_email\" is missing")
        let wrongType = #expect(throws: ProviderError.self) {
            try ServiceAccountKey.parse(Data(#"{"type":"external_account"}"#.utf8), source: "sa.json")
        }
        #expect(wrongType?.message.contains("external_account") == true)
    }

    @Test func unreadablePrivateKeyIsAuthErrorWithoutKeyMaterial() throws {
        let pem = "-----BEGIN PRIVATE KEY-----\nTUlJQ2RnSUJBREFOQmdrcWhraUc5dzBC\n-----END PRIVATE KEY-----\n"
        let json: [String: Any] = ["type": "service_account", "client_email": "sa@p", "private_key": pem]
        let key = try ServiceAccountKey.parse(try JSONSerialization.data(withJSONObject: json), source: "sa.json")
        let error = #expect(throws: ProviderError.self) { try key.makeAssertion(issuedAt: 0) }
        #expect(error?.code == .auth)
        #expect(error.map { !"\($0)".contains("TUlJQ2RnSUJBREFOQmdrcWhraUc5dzBC") } == true)
    }

    @Test func embedderMismatchIsRefusedWithAClearMessage() throws {
        let offline = OfflineEmbedder().descriptor
        try offline.checkCompatible(with: offline.collectionAttributes, collection: "waiting_hotplace_examples")
        try offline.checkCompatible(with: [:], collection: "legacy")
        let gemini = EmbedderDescriptor(provider: "gemini", model: "gemini-embedding-001", dimension: 768)
        let error = #expect(throws: ProviderError.self) {
            try gemini.checkCompatible(with: offline.collectionAttributes, collection: "waiting_hotplace_examples")
        }
        #expect(error?.message.contains("offline/hashed-ngram-v1@384") == true)
        #expect(error?.message.contains("gemini/gemini-embedding-001@768") == true)
    }
}
