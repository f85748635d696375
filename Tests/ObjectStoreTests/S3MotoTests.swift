import CryptoSupport
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import ObjectStore

/// The real S3 client against moto_server (default mode) started by tests/services/start-moto.sh.
/// Skipped (visibly) when SHOP_SUMMARY_TEST_S3_ENDPOINT is not set.
@Suite("S3 against moto", .enabled(if: TestEnvironment.hasMoto, "needs SHOP_SUMMARY_TEST_S3_ENDPOINT (start-moto.sh)"))
struct S3MotoTests {
    @Test func putGetHeadRoundTripWithAwkwardKeys() async throws {
        let store = try await TestEnvironment.makeStore(tag: "rt")
        let keys = ["plain.txt", "dir/with space/a+b=c&d.bin", "한글/메뉴.json", "tilde~and%percent"]
        for (index, key) in keys.enumerated() {
            let data = TestEnvironment.bytes(count: 1000 + index, seed: UInt64(index))
            try await store.put(data, key: key)
            #expect(try await store.get(key: key) == data, "\(key)")
            let info = try #require(try await store.head(key: key))
            #expect(info.size == Int64(data.count))
            #expect(info.key == key)
            #expect(info.lastModified != nil)
        }
        #expect(try await store.list(prefix: "").map(\.key) == keys.sorted())
    }

    @Test func missingObjects() async throws {
        let store = try await TestEnvironment.makeStore(tag: "miss")
        #expect(try await store.head(key: "nope") == nil)
        let error = await #expect(throws: ObjectStoreError.self) { try await store.get(key: "nope") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("NoSuchKey") == true)
        #expect(error?.message.contains(store.displayURL + "/nope") == true)
    }

    @Test func rangeGet() async throws {
        let store = try await TestEnvironment.makeStore(tag: "range")
        let data = TestEnvironment.bytes(count: 10_000, seed: 7)
        try await store.put(data, key: "blob")
        #expect(try await store.get(key: "blob", range: 100...199) == data[100...199])
        #expect(try await store.get(key: "blob", range: 9_990...20_000) == data[9_990...])
    }

    @Test func listPaginatesAndScopesToPrefix() async throws {
        let store = try await TestEnvironment.makeStore(tag: "list") { $0.listPageSize = 2 }
        var expected: [String] = []
        for index in 0..<7 {
            let key = "20261201_0200\(index)0/part-\(index).tar.gz"
            expected.append(key)
            try await store.put(Data("x\(index)".utf8), key: key)
        }
        try await store.put(Data("other".utf8), key: "latest/manifest.json")
        let listed = try await store.list(prefix: "2026")
        #expect(listed.map(\.key) == expected)
        #expect(listed.allSatisfy { $0.size == 2 && $0.etag != nil })
        #expect(try await store.list(prefix: "").count == 8)
        #expect(try await store.list(prefix: "latest/").map(\.key) == ["latest/manifest.json"])
        // A sibling prefix in the same bucket is invisible.
        var siblingConfig = store.configuration
        siblingConfig.prefix = "backups-other"
        let sibling = S3ObjectStore(configuration: siblingConfig,
                                    credentials: StaticCredentialProvider(TestEnvironment.dummyCredentials))
        try await sibling.put(Data("s".utf8), key: "x")
        #expect(try await store.list(prefix: "").count == 8)
    }

    @Test func copyAndDelete() async throws {
        let store = try await TestEnvironment.makeStore(tag: "copy")
        let data = TestEnvironment.bytes(count: 4096, seed: 3)
        try await store.put(data, key: "20261201_020000/archive.tar.gz")
        try await store.copy(from: "20261201_020000/archive.tar.gz", to: "latest/archive tar+1.gz")
        #expect(try await store.get(key: "latest/archive tar+1.gz") == data)
        let missing = await #expect(throws: ObjectStoreError.self) {
            try await store.copy(from: "does/not/exist", to: "latest/x")
        }
        #expect(missing?.code == .notFound)
        try await store.delete(keys: ["20261201_020000/archive.tar.gz", "latest/archive tar+1.gz", "never-existed"])
        #expect(try await store.list(prefix: "").isEmpty)
    }

    @Test func deleteMoreThanOneBatch() async throws {
        let store = try await TestEnvironment.makeStore(tag: "delbatch")
        let keys = (0..<1005).map { "k/\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: keys.count, by: 100) {
                group.addTask {
                    for key in keys[chunk..<min(chunk + 100, keys.count)] { try await store.put(Data(), key: key) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.list(prefix: "k/").count == 1005)
        try await store.delete(keys: keys)
        #expect(try await store.list(prefix: "k/").isEmpty)
    }

    @Test func multipartUploadOf12MiBIsByteIdentical() async throws {
        let recorder = RecordingTransport()
        let store = try await TestEnvironment.makeStore(tag: "mpu", transport: recorder) {
            $0.partSize = 5 << 20
            $0.multipartThreshold = 5 << 20
        }
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("store.tar.gz")
        let data = TestEnvironment.bytes(count: 12 << 20, seed: 12)
        try data.write(to: source)
        try await store.putFile(source, key: "20261201_020000/store.tar.gz")
        let parts = recorder.exchanges.filter { $0.0.url.query?.contains("partNumber=") == true }
        #expect(parts.count == 3)
        let info = try #require(try await store.head(key: "20261201_020000/store.tar.gz"))
        #expect(info.size == Int64(data.count))
        #expect(info.etag?.hasSuffix("-3") == true)
        let back = dir.appendingPathComponent("back.tar.gz")
        try await store.getFile(key: "20261201_020000/store.tar.gz", to: back)
        #expect(try SHA256.hexHash(fileAt: back) == SHA256.hexHash(data))
        // No temp part files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["back.tar.gz", "store.tar.gz"])
    }

    @Test func smallFileUsesSinglePutAndGetFileReplaces() async throws {
        let recorder = RecordingTransport()
        let store = try await TestEnvironment.makeStore(tag: "small", transport: recorder)
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("manifest.json")
        try Data("{\"a\":1}".utf8).write(to: source)
        try await store.putFile(source, key: "m.json")
        #expect(!recorder.exchanges.contains { $0.0.url.query?.contains("uploads") == true })
        let target = dir.appendingPathComponent("out.json")
        try Data("old contents".utf8).write(to: target)
        try await store.getFile(key: "m.json", to: target)
        #expect(try Data(contentsOf: target) == Data("{\"a\":1}".utf8))
        await #expect(throws: ObjectStoreError.self) { try await store.getFile(key: "missing", to: target) }
        #expect(try Data(contentsOf: target) == Data("{\"a\":1}".utf8))
    }

    @Test(arguments: [S3Configuration.ServerSideEncryption.s3, .kms(keyID: "alias/shop-summary", bucketKeyEnabled: true)])
    func serverSideEncryptionHeadersAreSent(sse: S3Configuration.ServerSideEncryption) async throws {
        let recorder = RecordingTransport()
        let store = try await TestEnvironment.makeStore(tag: "sse", transport: recorder) {
            $0.serverSideEncryption = sse
            $0.partSize = 5 << 20
            $0.multipartThreshold = 5 << 20
        }
        try await store.put(Data("secret menu".utf8), key: "a")
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big")
        try TestEnvironment.bytes(count: 6 << 20, seed: 1).write(to: big)
        try await store.putFile(big, key: "b")
        try await store.copy(from: "a", to: "c")
        let expectedValue = sse == .s3 ? "AES256" : "aws:kms"
        for (request, response) in recorder.exchanges where request.method != "GET" && request.method != "HEAD" {
            let isPart = request.url.query?.contains("partNumber") == true
            let isComplete = request.url.query?.contains("uploadId") == true
            if request.url.path.hasSuffix("/a") || request.url.path.hasSuffix("/c")
                || (request.url.path.hasSuffix("/b") && !isPart && !isComplete) {
                #expect(request.headers.contains { $0.name == "x-amz-server-side-encryption" && $0.value == expectedValue })
                #expect(response.header("x-amz-server-side-encryption") == expectedValue)
                if case .kms = sse {
                    #expect(request.headers.contains {
                        $0.name == "x-amz-server-side-encryption-aws-kms-key-id" && $0.value == "alias/shop-summary"
                    })
                }
            }
        }
    }

    @Test func virtualHostedAddressingViaLocalhost() async throws {
        // libcurl resolves *.localhost to loopback, so bucket.localhost:PORT reaches moto, which
        // routes by the Host header.
        let endpoint = try #require(TestEnvironment.s3Endpoint).replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let recorder = RecordingTransport()
        let store = try await TestEnvironment.makeStore(tag: "vhost", endpoint: endpoint, transport: recorder) {
            $0.addressing = .virtualHosted
        }
        try await store.put(Data("v".utf8), key: "k/v.txt")
        #expect(try await store.get(key: "k/v.txt") == Data("v".utf8))
        #expect(try await store.list(prefix: "k/").map(\.key) == ["k/v.txt"])
        #expect(recorder.exchanges.allSatisfy { $0.0.url.host?.hasPrefix(store.configuration.bucket + ".") == true })
    }

    /// moto's authenticated mode crashes on presigned requests (KeyError HTTP_AUTHORIZATION), so the
    /// signature itself is checked by the S3 documentation vector; here the URL shape and a real GET.
    @Test func presignedGetWorks() async throws {
        let store = try await TestEnvironment.makeStore(tag: "presign")
        try await store.put(Data("presigned body".utf8), key: "p/file 1.txt")
        let url = try await store.presignedURL(key: "p/file 1.txt", expires: 600)
        #expect(url.absoluteString.contains("/backups/p/file%201.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        #expect(url.absoluteString.contains("X-Amz-Expires=600"))
        let (body, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(body == Data("presigned body".utf8))
    }
}
