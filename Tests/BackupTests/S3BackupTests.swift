import Foundation
import ObjectStore
import Testing
import VectorStore
@testable import Backup

/// Backups through the real S3 client against moto (tests/services/start-moto.sh).
/// Skipped visibly when SHOP_SUMMARY_TEST_S3_ENDPOINT is not set.
@Suite("Backups over s3:// (moto)",
       .enabled(if: ProcessInfo.processInfo.environment["SHOP_SUMMARY_TEST_S3_ENDPOINT"] != nil,
                "needs SHOP_SUMMARY_TEST_S3_ENDPOINT (tests/services/start-moto.sh)"))
struct S3BackupTests {
    static let endpoint = ProcessInfo.processInfo.environment["SHOP_SUMMARY_TEST_S3_ENDPOINT"] ?? "http://127.0.0.1:9"

    private func makeStore(_ tag: String) async throws -> S3ObjectStore {
        var config = S3Configuration(bucket: "bk-\(tag)-\(UUID().uuidString.prefix(8).lowercased())",
                                     prefix: "vector-db-backups")
        config.endpoint = URL(string: Self.endpoint)
        // Small parts so the archive goes through multipart upload.
        config.multipartThreshold = 5 << 20
        config.partSize = 5 << 20
        let store = S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(
            AWSCredentials(accessKeyID: "AKIATESTBACKUP", secretAccessKey: "not-checked-by-moto")))
        try await store.createBucket()
        return store
    }

    /// Bytes of every file a consistent copy consists of.
    private func snapshotContents(_ data: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for path in try VectorDatabase(directory: data).snapshotFiles() {
            result[path] = try Data(contentsOf: data.appendingPathComponent(path))
        }
        return result
    }

    private func makeVectorStore(at data: URL, rows: Int) throws {
        let database = try VectorDatabase(directory: data)
        let collection = try database.createCollection(name: "low_to_mid_price_dining_examples", dimension: 64)
        var state: UInt64 = 7
        let records = (0..<rows).map { i in
            VectorRecord(id: "r\(i)", vector: (0..<64).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(state >> 40) % 1000) / 1000
            }, document: "리뷰 \(i)")
        }
        try collection.add(records)
    }

    @Test(arguments: BackupKind.allCases)
    func backupDeleteInitRestoresIdenticalStore(kind: BackupKind) async throws {
        let dir = try BackupFixtures.tempDir("s3-backup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("db")
        try makeVectorStore(at: data, rows: 30_000)  // ≈ 8 MB of vectors: multipart for full backups
        let before = try VectorDatabase(directory: data).stats()
        let snapshot = try snapshotContents(data)
        let store = try await makeStore(kind.rawValue)
        let engine = BackupEngine(store: store, adapter: VectorStoreAdapter(),
                                  configuration: .init(workDirectory: dir, toolVersion: "test"))
        let result = try await engine.backup(directory: data, kind: kind)
        #expect(try await engine.list().map(\.isLatest) == [true])
        try FileManager.default.removeItem(at: data)
        guard case .restored(let restored, _, _) = try await engine.initialize(directory: data) else {
            Issue.record("expected a restore")
            return
        }
        #expect(restored.timestamp == result.timestamp)
        #expect(try VectorDatabase(directory: data).stats() == before)
        #expect(try snapshotContents(data) == snapshot)
        _ = try await engine.verify(.latest)
        if kind == .incremental {
            let second = try await engine.backup(directory: data, kind: .incremental)
            #expect(Double(second.uploadedBytes) / Double(second.totalBytes) < 0.05)
        }
    }
}
