import Foundation
import Synchronization
import Testing
@testable import ObjectStore

/// IRSA against moto's STS (unsigned AssumeRoleWithWebIdentity) and container credentials against
/// a loopback agent (tests/servers/container_credentials.py); both then used for real S3 calls.
@Suite("Credentials over loopback", .enabled(if: TestEnvironment.hasMotoAndPython, "needs moto and TEST_PYTHON"))
struct CredentialLoopbackTests {
    static let webToken = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-SENSITIVE.sig"

    @Test func webIdentityAgainstMotoSTSThenS3() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenFile = dir.appendingPathComponent("token")
        try Self.webToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let env = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/shop-summary-backup",
            "AWS_ROLE_SESSION_NAME": "test-session", "AWS_ENDPOINT_URL": TestEnvironment.s3Endpoint ?? "",
            "HOME": dir.path,
        ]
        let recorder = RecordingTransport()
        let credentials = try #require(try await WebIdentityCredentialProvider(environment: env, transport: recorder).resolve())
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect(credentials.expiration.map { $0 > Date() } == true)
        #expect(credentials.source == "web-identity")
        let sent = try #require(recorder.exchanges.first?.0)
        #expect(sent.method == "POST")
        #expect(!sent.headers.contains { $0.name.lowercased() == "authorization" }, "STS call is unsigned")
        // The standard chain picks IRSA and the S3 store uses it end to end.
        let store = try ObjectStoreFactory(environment: env).open("s3://\(TestEnvironment.bucketName("irsa"))/p")
        let s3 = try #require(store as? S3ObjectStore)
        try await s3.createBucket()
        try await s3.put(Data("irsa".utf8), key: "k")
        #expect(try await s3.get(key: "k") == Data("irsa".utf8))
    }

    @Test func webIdentityRereadsTheTokenFileOnRefresh() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenFile = dir.appendingPathComponent("token")
        try "token-one".write(to: tokenFile, atomically: true, encoding: .utf8)
        let env = ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r",
                   "AWS_ENDPOINT_URL_STS": TestEnvironment.s3Endpoint ?? "", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]
        let recorder = RecordingTransport()
        // moto's credentials last 12 h; a margin longer than that forces a refresh on every call.
        let chain = CredentialChain(providers: [WebIdentityCredentialProvider(environment: env, transport: recorder)],
                                    refreshMargin: 86_400)
        _ = try await chain.resolve()
        try "token-two".write(to: tokenFile, atomically: true, encoding: .utf8)  // kubelet rotation
        _ = try await chain.resolve()
        let bodies = recorder.exchanges.compactMap { exchange -> String? in
            if case .data(let data) = exchange.0.body { return String(decoding: data, as: UTF8.self) }
            return nil
        }
        #expect(bodies.count == 2)
        #expect(bodies.first?.contains("WebIdentityToken=token-one") == true)
        #expect(bodies.last?.contains("WebIdentityToken=token-two") == true)
        #expect(recorder.exchanges.allSatisfy { $0.0.url.absoluteString.hasPrefix(TestEnvironment.s3Endpoint ?? "-") },
                "AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL")
    }

    @Test func stsRefusalIsACredentialsErrorWithoutTheToken() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenFile = dir.appendingPathComponent("token")
        try Self.webToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let stub = StubTransport([.success(HTTPResponse(status: 400, body: Data("""
            <ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>\
            <Message>Incorrect token audience</Message></Error></ErrorResponse>
            """.utf8)))])
        let env = ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]
        let error = await #expect(throws: ObjectStoreError.self) {
            try await WebIdentityCredentialProvider(environment: env, transport: stub).resolve()
        }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("InvalidIdentityToken") == true)
        #expect(error?.message.contains("arn:aws:iam::1:role/r") == true)
        #expect(!"\(String(describing: error))".contains("SENSITIVE"))
        let missing = await #expect(throws: ObjectStoreError.self) {
            try await WebIdentityCredentialProvider(environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token",
                                                                  "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]).resolve()
        }
        #expect(missing?.message.contains("/nonexistent/token") == true)
    }

    @Test func containerCredentialsFromLoopbackAgentThenS3() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let authToken = "pod-identity-auth-SENSITIVE"
        let agent = try PythonServer(script: "container_credentials.py",
                                     arguments: [authToken, "AKIACONTAINER0001", "container-secret-SENSITIVE",
                                                 "container-session-SENSITIVE", "3600"])
        defer { agent.stop() }
        let tokenFile = dir.appendingPathComponent("eks-pod-identity-token")
        try authToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let env = [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(agent.port)/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile.path,
            "AWS_ENDPOINT_URL_S3": TestEnvironment.s3Endpoint ?? "", "HOME": dir.path,
        ]
        let chain = CredentialChain.standard(environment: env)
        let credentials = try #require(try await chain.resolve())
        #expect(credentials.accessKeyID == "AKIACONTAINER0001")
        #expect(credentials.sessionToken == "container-session-SENSITIVE")
        #expect(credentials.source == "container")
        #expect(credentials.expiration.map { $0.timeIntervalSinceNow > 3000 } == true)
        let s3 = try #require(try ObjectStoreFactory(environment: env).open("s3://\(TestEnvironment.bucketName("pod"))") as? S3ObjectStore)
        try await s3.createBucket()
        try await s3.put(Data("pod".utf8), key: "k")
        #expect(try await s3.get(key: "k") == Data("pod".utf8))

        // A rotated (wrong) token file is re-read and refused with a clean error.
        try "stale-token".write(to: tokenFile, atomically: true, encoding: .utf8)
        let error = await #expect(throws: ObjectStoreError.self) {
            try await ContainerCredentialProvider(environment: env).resolve()
        }
        #expect(error?.code == .credentials)
        #expect(error?.message.contains("HTTP 401") == true)
        #expect(!"\(String(describing: error))".contains("SENSITIVE"))
        #expect(!"\(String(describing: error))".contains("stale-token"))
        let log = agent.stop()
        #expect(log.contains("ok /v1/credentials") && log.contains("denied /v1/credentials"))

        let refused = await #expect(throws: ObjectStoreError.self) {
            try await ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.1.2.3/creds"])
                .resolve()
        }
        #expect(refused?.message.contains("not allowed") == true)
    }
}
