import CryptoSupport
import Foundation
import Testing
@testable import ObjectStore

/// Injected 500/503 and dropped connections (tests/servers/fault_proxy.py in front of moto) are
/// retried; the object read back is byte-identical. Persistent failure aborts the upload.
@Suite("S3 retries under injected faults",
       .enabled(if: TestEnvironment.hasMotoAndPython, "needs SHOP_SUMMARY_TEST_S3_ENDPOINT and TEST_PYTHON"))
struct S3FaultInjectionTests {
    /// A short idle timeout: after a dropped connection libcurl sometimes stalls a reused
    /// connection until the idle timeout fires (observed: one 60 s stall with the default).
    static let transport: URLSessionTransport = {
        var config = URLSessionTransport.Configuration()
        config.requestTimeout = 5
        return URLSessionTransport(configuration: config)
    }()

    static func proxiedStore(rules: [String], attempts: Int = 5) async throws -> (S3ObjectStore, PythonServer) {
        let proxy = try PythonServer(script: "fault_proxy.py", arguments: [TestEnvironment.s3Endpoint ?? ""] + rules)
        let store = try await TestEnvironment.makeStore(tag: "fault", endpoint: "http://127.0.0.1:\(proxy.port)",
                                                        transport: transport) {
            $0.partSize = 5 << 20
            $0.multipartThreshold = 5 << 20
            $0.maxConcurrentParts = 2
            $0.retry.maxAttempts = attempts
        }
        return (store, proxy)
    }

    @Test func multipartSurvives500And503AndDroppedConnections() async throws {
        let rules = [
            "?uploads:500",              // CreateMultipartUpload: InternalError once
            "partNumber=1&:503",         // part 1: SlowDown
            "partNumber=2&:drop",        // part 2: connection closed after the body
            "partNumber=2&:503",         // part 2 again: SlowDown
            "partNumber=3&:halfdrop",    // part 3: connection closed mid-body
            "?uploadId=:500",            // CompleteMultipartUpload: InternalError once
            "GET /:drop",                // download: dropped once
        ]
        let (store, proxy) = try await Self.proxiedStore(rules: rules)
        defer { proxy.stop() }
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("archive.tar.gz")
        let data = TestEnvironment.bytes(count: 12 << 20, seed: 42)
        try data.write(to: source)
        try await store.putFile(source, key: "20261201_020000/archive.tar.gz")
        let back = dir.appendingPathComponent("restored.tar.gz")
        try await store.getFile(key: "20261201_020000/archive.tar.gz", to: back)
        #expect(try SHA256.hexHash(fileAt: back) == SHA256.hexHash(data))
        let log = proxy.stop()
        for action in ["500 POST", "503 PUT", "drop PUT", "halfdrop PUT", "drop GET"] {
            #expect(log.contains(action), "fault \(action) was injected")
        }
        #expect(!log.contains("DELETE"), "no abort on a recovered upload")
    }

    @Test func singlePutAndCopyRetryOn503() async throws {
        let (store, proxy) = try await Self.proxiedStore(rules: ["PUT /:503", "PUT /:500", "x-id=:500"])
        defer { proxy.stop() }
        try await store.put(Data("hello".utf8), key: "a")
        try await store.copy(from: "a", to: "latest/a")
        #expect(try await store.get(key: "latest/a") == Data("hello".utf8))
    }

    @Test func persistentFailureAbortsTheMultipartUpload() async throws {
        let rules = Array(repeating: "partNumber=2&:500", count: 10)
        let (store, proxy) = try await Self.proxiedStore(rules: rules, attempts: 3)
        defer { proxy.stop() }
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("archive")
        try TestEnvironment.bytes(count: 11 << 20, seed: 1).write(to: source)
        let error = await #expect(throws: ObjectStoreError.self) { try await store.putFile(source, key: "x") }
        #expect(error?.code == .server)
        #expect(error?.message.contains("after 3 attempts") == true)
        #expect(try await store.head(key: "x") == nil)
        let log = proxy.stop()
        #expect(log.components(separatedBy: "500 PUT").count - 1 == 3)
        #expect(log.contains("pass DELETE"), "the upload was aborted")
    }
}
