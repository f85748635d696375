import Foundation
import Observability
import Synchronization
import Testing
@testable import ObjectStore

/// A transport that answers from a script of canned responses/errors and counts calls.
final class StubTransport: HTTPTransport {
    private let script: Mutex<[Result<HTTPResponse, URLError>]>
    private let calls = Mutex(0)
    init(_ script: [Result<HTTPResponse, URLError>]) { self.script = Mutex(script) }
    var callCount: Int { calls.withLock { $0 } }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        calls.withLock { $0 += 1 }
        let next = script.withLock { $0.isEmpty ? .success(HTTPResponse(status: 200)) : $0.removeFirst() }
        return try next.get()
    }
    func download(_ request: HTTPRequest, to destination: URL) async throws -> HTTPResponse {
        var response = try await send(request)
        if (200..<300).contains(response.status) {
            try response.body.write(to: destination)
            response.body = Data()
        }
        return response
    }
}

@Suite("S3 retry classification")
struct S3RetryPolicyTests {
    static func store(_ transport: StubTransport, attempts: Int = 4) -> S3ObjectStore {
        var config = S3Configuration(bucket: "bucket", prefix: "p")
        config.endpoint = URL(string: "http://127.0.0.1:9")
        config.retry.maxAttempts = attempts
        config.retry.baseDelay = .milliseconds(1)
        return S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(TestEnvironment.dummyCredentials),
                             transport: transport)
    }
    static func xml(_ code: String) -> Data {
        Data("<?xml version=\"1.0\"?><Error><Code>\(code)</Code><Message>m</Message></Error>".utf8)
    }

    @Test func retriesTransientThenSucceeds() async throws {
        let stub = StubTransport([
            .success(HTTPResponse(status: 503, body: Self.xml("SlowDown"))),
            .failure(URLError(.networkConnectionLost)),
            .success(HTTPResponse(status: 500, body: Self.xml("InternalError"))),
            .success(HTTPResponse(status: 200, body: Data("ok".utf8))),
        ])
        #expect(try await Self.store(stub).get(key: "k") == Data("ok".utf8))
        #expect(stub.callCount == 4)
    }

    @Test func stopsAtMaxAttempts() async throws {
        let stub = StubTransport(Array(repeating: .success(HTTPResponse(status: 503, body: Self.xml("SlowDown"))), count: 9))
        let error = await #expect(throws: ObjectStoreError.self) { _ = try await Self.store(stub, attempts: 3).get(key: "k") }
        #expect(stub.callCount == 3)
        #expect(error?.code == .server)
        #expect(error?.message.contains("SlowDown") == true)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let stub = StubTransport([.success(HTTPResponse(status: 400, headers: ["x-amz-bucket-region": "eu-west-1"],
                                                        body: Self.xml("AuthorizationHeaderMalformed")))])
        let error = await #expect(throws: ObjectStoreError.self) { _ = try await Self.store(stub).get(key: "k") }
        #expect(stub.callCount == 1)
        #expect(error?.message.contains("AWS_REGION=eu-west-1") == true)
    }

    @Test func copyWith200ErrorBodyIsAFailureAndRetried() async throws {
        let stub = StubTransport([
            .success(HTTPResponse(status: 200, body: Self.xml("InternalError"))),
            .success(HTTPResponse(status: 200, body: Data("<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>".utf8))),
        ])
        try await Self.store(stub).copy(from: "a", to: "b")
        #expect(stub.callCount == 2)
        let failing = StubTransport([.success(HTTPResponse(status: 200, body: Self.xml("AccessDenied")))])
        let error = await #expect(throws: ObjectStoreError.self) { try await Self.store(failing).copy(from: "a", to: "b") }
        #expect(error?.code == .accessDenied)
    }

    @Test func truncatedDownloadIsAnIntegrityErrorAndLeavesTargetAlone() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("store.tar.gz")
        try Data("previous".utf8).write(to: target)
        let stub = StubTransport([.success(HTTPResponse(status: 200, headers: ["content-length": "100"],
                                                        body: Data(repeating: 1, count: 50)))])
        let error = await #expect(throws: ObjectStoreError.self) { try await Self.store(stub).getFile(key: "k", to: target) }
        #expect(error?.code == .integrity)
        #expect(try Data(contentsOf: target) == Data("previous".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["store.tar.gz"])
    }

    @Test func backoffIsBoundedFullJitter() {
        var config = S3Configuration(bucket: "bucket")
        config.retry.baseDelay = .milliseconds(100)
        config.retry.maxDelay = .milliseconds(400)
        let store = S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(TestEnvironment.dummyCredentials))
        for attempt in 1...10 {
            let cap = min(400, 100 << (attempt - 1))
            for _ in 0..<50 { #expect(store.backoff(attempt: attempt) <= .milliseconds(cap)) }
        }
        let samples = Set((0..<50).map { _ in store.backoff(attempt: 5) })
        #expect(samples.count > 5, "jittered, not constant")
    }

    @Test func addressingAndEndpoints() throws {
        let env = ["AWS_REGION": "ap-northeast-2", "AWS_ENDPOINT_URL": "http://general:1", "AWS_ENDPOINT_URL_S3": "http://s3only:2"]
        let config = try S3Configuration.from(url: "s3://my-rag-bucket/chroma/backups/", environment: env)
        #expect(config.bucket == "my-rag-bucket" && config.prefix == "chroma/backups")
        #expect(config.region == "ap-northeast-2")
        #expect(config.endpoint?.absoluteString == "http://s3only:2")
        let general = try S3Configuration.from(url: "s3://b-1", environment: ["AWS_ENDPOINT_URL": "http://general:1"])
        #expect(general.endpoint?.absoluteString == "http://general:1" && general.prefix == "")
        let aws = S3ObjectStore(configuration: try S3Configuration.from(url: "s3://my-rag-bucket/p", environment: env),
                                credentials: StaticCredentialProvider(TestEnvironment.dummyCredentials))
        var awsConfig = aws.configuration
        awsConfig.endpoint = nil
        let virtual = S3ObjectStore(configuration: awsConfig, credentials: StaticCredentialProvider(TestEnvironment.dummyCredentials))
        #expect(virtual.location(objectKey: "p/a b", query: [])?.url.absoluteString
                == "https://my-rag-bucket.s3.ap-northeast-2.amazonaws.com/p/a%20b")
        awsConfig.bucket = "dotted.bucket.name"
        let dotted = S3ObjectStore(configuration: awsConfig, credentials: StaticCredentialProvider(TestEnvironment.dummyCredentials))
        #expect(dotted.location(objectKey: "k", query: [("list-type", "2")])?.url.absoluteString
                == "https://s3.ap-northeast-2.amazonaws.com/dotted.bucket.name/k?list-type=2")
        #expect(aws.location(objectKey: "k", query: [])?.host == "s3only:2")
        for bad in ["s3://", "s3://UPPER", "file:///x", "s3://a"] {
            #expect(throws: ObjectStoreError.self) { try S3Configuration.from(url: bad, environment: [:]) }
        }
        #expect(throws: ObjectStoreError.self) {
            try S3Configuration.from(url: "s3://bucket", environment: ["AWS_ENDPOINT_URL_S3": "not a url"])
        }
    }
}

@Suite("S3 logs and errors never carry secrets")
struct S3SecretHygieneTests {
    @Test func retryLogsAndFinalErrorContainNoSecrets() async throws {
        let handler = InMemoryLogHandler()
        var config = S3Configuration(bucket: "bucket", prefix: "p")
        config.endpoint = URL(string: "http://127.0.0.1:9")
        config.retry.maxAttempts = 3
        config.retry.baseDelay = .milliseconds(1)
        let secret = "SECRETkeyMaterial/0123456789abcdefghij"
        let token = "SESSIONtokenMaterial0123456789"
        let creds = AWSCredentials(accessKeyID: "AKIAHYGIENE000000001", secretAccessKey: secret, sessionToken: token)
        let stub = StubTransport(Array(repeating: .success(HTTPResponse(status: 503, body: S3RetryPolicyTests.xml("SlowDown"))),
                                       count: 3))
        let store = S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(creds), transport: stub,
                                  logger: Logger(label: "t", level: .trace, handler: handler))
        let error = await #expect(throws: ObjectStoreError.self) { try await store.put(Data("x".utf8), key: "k") }
        let logged = handler.records.map { "\($0.event) \($0.metadata)" }.joined(separator: "\n")
        #expect(handler.records.count == 2, "one warning per retry")
        for text in [logged, "\(String(describing: error))", store.displayURL] {
            #expect(!text.contains(secret))
            #expect(!text.contains(token))
        }
    }
}
