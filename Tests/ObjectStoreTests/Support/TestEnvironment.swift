import Foundation
import Synchronization
@testable import ObjectStore

/// Where the test services are (env vars printed by tests/services/start-moto.sh).
enum TestEnvironment {
    static let env = ProcessInfo.processInfo.environment
    static let s3Endpoint = env["SHOP_SUMMARY_TEST_S3_ENDPOINT"]
    static let authEndpoint = env["SHOP_SUMMARY_TEST_S3_AUTH_ENDPOINT"]
    static let authKeyID = env["SHOP_SUMMARY_TEST_S3_AUTH_KEY_ID"]
    static let authSecret = env["SHOP_SUMMARY_TEST_S3_AUTH_SECRET"]
    static let python = env["TEST_PYTHON"]

    static var hasMoto: Bool { s3Endpoint != nil }
    static var hasAuthMoto: Bool { authEndpoint != nil && authKeyID != nil && authSecret != nil }
    static var hasMotoAndPython: Bool { hasMoto && python != nil }

    /// The package root (three levels above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Credentials moto's default mode accepts (it does not check them).
    static let dummyCredentials = AWSCredentials(accessKeyID: "AKIATESTTESTTEST", secretAccessKey: "test-secret-never-logged")

    /// A fresh lower-case bucket name.
    static func bucketName(_ tag: String) -> String {
        "t-\(tag)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A store on a new bucket of the default-mode moto (or `endpoint`), bucket created.
    static func makeStore(tag: String, endpoint: String? = nil, prefix: String = "backups",
                          credentials: AWSCredentials = dummyCredentials, transport: (any HTTPTransport)? = nil,
                          configure: (inout S3Configuration) -> Void = { _ in }) async throws -> S3ObjectStore {
        var config = S3Configuration(bucket: bucketName(tag), prefix: prefix)
        config.endpoint = URL(string: endpoint ?? s3Endpoint ?? "http://127.0.0.1:9")
        config.retry.baseDelay = .milliseconds(20)
        config.retry.maxDelay = .milliseconds(200)
        configure(&config)
        let store = S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(credentials),
                                  transport: transport ?? URLSessionTransport.shared)
        try await store.createBucket()
        return store
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(count: Int, seed: UInt64) -> Data {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var data = Data(count: count)
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt8.self)
            for index in 0..<count {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                words[index] = UInt8(truncatingIfNeeded: state)
            }
        }
        return data
    }

    /// A temp directory removed by the caller's `defer`.
    static func tempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("os-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Wraps a transport, recording requests and responses and optionally rewriting requests.
final class RecordingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let rewrite: @Sendable (HTTPRequest) -> HTTPRequest
    private let log = Mutex<[(HTTPRequest, HTTPResponse)]>([])

    init(_ inner: any HTTPTransport = URLSessionTransport.shared,
         rewrite: @escaping @Sendable (HTTPRequest) -> HTTPRequest = { $0 }) {
        self.inner = inner
        self.rewrite = rewrite
    }

    var exchanges: [(HTTPRequest, HTTPResponse)] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await inner.send(rewrite(request))
        log.withLock { $0.append((request, response)) }
        return response
    }

    func download(_ request: HTTPRequest, to destination: URL) async throws -> HTTPResponse {
        let response = try await inner.download(rewrite(request), to: destination)
        log.withLock { $0.append((request, response)) }
        return response
    }
}
