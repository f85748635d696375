import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import ObjectStore

/// Signature checks against moto in authenticated mode (IAM user + key created by start-moto.sh):
/// the right key works end to end, a wrong secret or a tampered signature is refused with
/// `.accessDenied`, and secrets never appear in error text.
@Suite("S3 signatures against authenticated moto",
       .enabled(if: TestEnvironment.hasAuthMoto, "needs SHOP_SUMMARY_TEST_S3_AUTH_* (start-moto.sh)"))
struct S3AuthModeTests {
    static var goodCredentials: AWSCredentials {
        AWSCredentials(accessKeyID: TestEnvironment.authKeyID ?? "", secretAccessKey: TestEnvironment.authSecret ?? "")
    }

    static func store(_ credentials: AWSCredentials = goodCredentials, bucket: String,
                      transport: any HTTPTransport = URLSessionTransport.shared) -> S3ObjectStore {
        var config = S3Configuration(bucket: bucket, prefix: "auth")
        config.endpoint = URL(string: TestEnvironment.authEndpoint ?? "")
        config.partSize = 5 << 20
        config.multipartThreshold = 5 << 20
        config.retry.baseDelay = .milliseconds(10)
        return S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(credentials), transport: transport)
    }

    static func freshBucket() async throws -> String {
        let bucket = TestEnvironment.bucketName("auth")
        try await store(bucket: bucket).createBucket()
        return bucket
    }

    @Test func correctKeyWorksForEveryOperation() async throws {
        let store = Self.store(bucket: try await Self.freshBucket())
        let data = TestEnvironment.bytes(count: 3000, seed: 5)
        try await store.put(data, key: "a b/ü+.bin")
        #expect(try await store.get(key: "a b/ü+.bin") == data)
        #expect(try await store.get(key: "a b/ü+.bin", range: 0...9) == data.prefix(10))
        #expect(try await store.head(key: "a b/ü+.bin")?.size == 3000)
        try await store.copy(from: "a b/ü+.bin", to: "latest/x")
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big")
        let big = TestEnvironment.bytes(count: (5 << 20) + 12345, seed: 9)
        try big.write(to: file)
        try await store.putFile(file, key: "big")  // multipart: 2 signed parts
        #expect(try await store.get(key: "big") == big)
        #expect(try await store.list(prefix: "").map(\.key) == ["a b/ü+.bin", "big", "latest/x"])
        try await store.delete(keys: ["a b/ü+.bin", "big", "latest/x"])
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func wrongSecretIsAccessDeniedWithoutLeakingSecrets() async throws {
        let bucket = try await Self.freshBucket()
        var bad = Self.goodCredentials
        bad.secretAccessKey = "definitely-wrong-secret-0123456789"
        let store = Self.store(bad, bucket: bucket)
        let error = await #expect(throws: ObjectStoreError.self) { try await store.put(Data("x".utf8), key: "k") }
        #expect(error?.code == .accessDenied)
        #expect(error?.message.contains("SignatureDoesNotMatch") == true)
        let text = "\(String(describing: error)) \(error?.shortDescription ?? "")"
        #expect(!text.contains(bad.secretAccessKey))
        #expect(!text.contains(Self.goodCredentials.secretAccessKey))
        // Not retried: an auth failure is permanent.
        #expect(error?.message.contains("attempts") == false)
    }

    @Test func unknownKeyIDIsAccessDenied() async throws {
        let bucket = try await Self.freshBucket()
        let store = Self.store(AWSCredentials(accessKeyID: "AKIANOTAREALKEY00000", secretAccessKey: "x"), bucket: bucket)
        let error = await #expect(throws: ObjectStoreError.self) { _ = try await store.list(prefix: "") }
        #expect(error?.code == .accessDenied)
    }

    @Test func tamperedSignatureIsAccessDenied() async throws {
        let bucket = try await Self.freshBucket()
        let tamper = RecordingTransport { request in
            var request = request
            request.headers = request.headers.map { header in
                guard header.name == "Authorization" else { return header }
                let flipped: Character = header.value.last == "0" ? "1" : "0"
                return (header.name, String(header.value.dropLast()) + String(flipped))
            }
            return request
        }
        let store = Self.store(bucket: bucket, transport: tamper)
        let error = await #expect(throws: ObjectStoreError.self) { try await store.put(Data("x".utf8), key: "k") }
        #expect(error?.code == .accessDenied)
        // The same request untampered succeeds.
        try await Self.store(bucket: bucket).put(Data("x".utf8), key: "k")
    }

    @Test(.enabled(if: TestEnvironment.env["SHOP_SUMMARY_TEST_S3_AUTH_SESSION_TOKEN"] != nil,
                   "needs the session credentials from start-moto.sh"))
    func sessionCredentialsSignTheSecurityToken() async throws {
        let env = TestEnvironment.env
        let session = AWSCredentials(accessKeyID: env["SHOP_SUMMARY_TEST_S3_AUTH_SESSION_KEY_ID"] ?? "",
                                     secretAccessKey: env["SHOP_SUMMARY_TEST_S3_AUTH_SESSION_SECRET"] ?? "",
                                     sessionToken: env["SHOP_SUMMARY_TEST_S3_AUTH_SESSION_TOKEN"])
        let bucket = try await Self.freshBucket()
        let recorder = RecordingTransport()
        let store = Self.store(session, bucket: bucket, transport: recorder)
        let data = TestEnvironment.bytes(count: 2048, seed: 77)
        try await store.put(data, key: "session/obj")
        #expect(try await store.get(key: "session/obj") == data)
        #expect(try await store.list(prefix: "session/").map(\.key) == ["session/obj"])
        let signed = try #require(recorder.exchanges.first?.0.headers.first { $0.name == "Authorization" }?.value)
        #expect(signed.contains("x-amz-security-token"))
        var tampered = session
        tampered.sessionToken = (session.sessionToken ?? "") + "x"
        let error = await #expect(throws: ObjectStoreError.self) {
            _ = try await Self.store(tampered, bucket: bucket).get(key: "session/obj")
        }
        #expect(error?.code == .accessDenied)
        #expect(!"\(String(describing: error))".contains(session.sessionToken ?? "-"))
    }
}
