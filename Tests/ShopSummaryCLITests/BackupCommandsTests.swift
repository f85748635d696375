import Backup
import CryptoSupport
import Foundation
import ObjectStore
import Observability
import Testing
import VectorStore
@testable import ShopSummaryCLI

@Suite("Backup commands (file://)")
struct BackupCommandsTests {
    private func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cli-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private func run(_ arguments: [String], environment: [String: String] = [:]) async -> (Int32, String) {
        let sink = OutputSink()
        let code = await RootCommand.main(arguments: arguments, environment: environment, output: sink.append,
                                          errorOutput: sink.append, logHandler: NullLogHandler())
        return (code, sink.text)
    }

    private func files(in dir: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir.path)
        while let path = enumerator?.nextObject() as? String {
            if enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
                result[path] = try Data(contentsOf: dir.appendingPathComponent(path))
            }
        }
        return result
    }

    /// Contents of the files a consistent copy of the store consists of.
    private func snapshot(_ data: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for path in try VectorDatabase(directory: data).snapshotFiles() {
            result[path] = try Data(contentsOf: data.appendingPathComponent(path))
        }
        return result
    }

    /// A real vector store with two small collections.
    private func makeStoreFolder(_ data: URL) throws {
        let database = try VectorDatabase(directory: data)
        for (name, count) in [("fine_dining_examples", 40), ("waiting_hotplace_examples", 25)] {
            let collection = try database.createCollection(name: name, dimension: 16)
            let records = (0..<count).map { i in
                VectorRecord(id: "\(name)-\(i)", vector: (0..<16).map { Float(($0 * 7 + i * 13) % 17) + 0.5 },
                             document: "요약 \(i)", metadata: ["i": .int(i)])
            }
            try collection.add(records)
        }
    }

    @Test func backupDeleteInitRestoresIdenticalStore() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("db")
        try makeStoreFolder(data)
        let before = try snapshot(data)
        let (statsCode, statsBefore) = await run(["db", "stats", "--json", "--data-dir", data.path])
        #expect(statsCode == 0)
        let common = ["--data-dir", data.path, "--backup-url", "file://\(dir.path)/backups"]

        let (code, text) = await run(["backup"] + common)
        #expect(code == 0, "\(text)")
        #expect(text.contains("published as latest/"))
        try FileManager.default.removeItem(at: data)
        let (initCode, initText) = await run(["init", "--json"] + common)
        #expect(initCode == 0, "\(initText)")
        #expect(initText.contains("\"action\" : \"restored\""))
        // Issue 2: `db stats --json` equals the figures before deletion; the files are identical.
        let statsAfter = await run(["db", "stats", "--json", "--data-dir", data.path])
        #expect(statsAfter.0 == 0 && statsAfter.1 == statsBefore)
        #expect(statsBefore.contains("fine_dining_examples"))
        #expect(try snapshot(data) == before)
        let (keptCode, keptText) = await run(["init"] + common)
        #expect(keptCode == 0 && keptText.contains("kept"))
        let (verifyCode, _) = await run(["backup", "verify", "--at", "latest", "--backup-url", "file://\(dir.path)/backups"])
        #expect(verifyCode == 0)
        let (drillCode, drillText) = await run(["dr-drill"] + common)
        #expect(drillCode == 0 && drillText.contains("PASS"), "\(drillText)")
    }

    @Test func restoreRefusesCraftedArchiveWithDotDotEntry() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("work/db")
        try makeStoreFolder(data)
        let before = try files(in: data)
        // A hostile archive built with the system tar: `db/../../escape` via --transform.
        let staging = dir.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("db"), withIntermediateDirectories: true)
        try Data("pwned".utf8).write(to: staging.appendingPathComponent("db/evil"))
        let timestamp = "20261201_020000"
        let backupDir = dir.appendingPathComponent("backups/\(timestamp)")
        try FileManager.default.createDirectory(at: backupDir, withIntermediateDirectories: true)
        let archive = backupDir.appendingPathComponent("store.tar.gz")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "czf", archive.path, "-C", staging.path, "--transform", "s,^db/evil,db/../../escape,", "db"]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        // A manifest that is internally valid and matches the archive's checksum.
        let sha = try SHA256.hexHash(fileAt: archive)
        let size = Int64(try Data(contentsOf: archive).count)
        let manifest = BackupManifest(
            kind: .full, timestamp: BackupTimestamp(timestamp)!, createdAt: Date(), toolVersion: "crafted",
            storeFormatVersion: nil,
            archive: .init(key: "\(timestamp)/store.tar.gz", size: size, sha256: sha, root: "db"),
            files: [.init(path: "escape", size: 5, sha256: SHA256.hexHash("pwned"), object: nil)],
            totalBytes: 5, summary: nil)
        try manifest.encoded().write(to: backupDir.appendingPathComponent("manifest.json"))
        let latest = dir.appendingPathComponent("backups/latest")
        try FileManager.default.createDirectory(at: latest, withIntermediateDirectories: true)
        try manifest.encoded().write(to: latest.appendingPathComponent("manifest.json"))

        let (code, text) = await run(["restore", "--data-dir", data.path, "--backup-url", "file://\(dir.path)/backups"])
        #expect(code == ExitCode.dataError, "\(text)")
        #expect(text.contains("refusing archive entry 'db/../../escape'"), "\(text)")
        #expect(text.contains("'..'"))
        // Nothing written outside the target; the live store untouched; no staging left behind.
        for candidate in ["escape", "work/escape", "work/.db", "backups/escape"] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(candidate).path))
        }
        #expect(try files(in: data) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("work").path) == ["db"])
        // verify says the same with a non-zero exit.
        let (verifyCode, verifyText) = await run(["backup", "verify", "--backup-url", "file://\(dir.path)/backups"])
        #expect(verifyCode == ExitCode.dataError && verifyText.contains("unsafe archive entry"))
    }

    @Test func badOptionsAreUsageErrors() async throws {
        #expect(await run(["restore", "--at", "yesterday"]).0 == 64)
        #expect(await run(["backup", "--backup-url", "ftp://x/y"]).0 == 64)
        #expect(await run(["backup", "--compression-level", "12"]).0 == 64)
        #expect(await run(["backup", "prune", "--keep-days", "-1"]).0 == 64)
        #expect(await run(["dr-drill", "--keep-scratch"]).0 == 64)
    }

    @Test func missingBackupIsExit66AndCorruptionIs65() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "file://\(dir.path)/backups"
        let (missing, missingText) = await run(["backup", "verify", "--backup-url", url])
        #expect(missing == ExitCode.noInput && missingText.contains("no backup yet"))
        let data = dir.appendingPathComponent("db")
        try makeStoreFolder(data)
        #expect(await run(["backup", "--data-dir", data.path, "--backup-url", url]).0 == 0)
        let listing = await run(["backup", "list", "--json", "--backup-url", url])
        #expect(listing.0 == 0 && listing.1.contains("\"isLatest\" : true"))
        // Flip a byte in the archive the latest backup names.
        let backups = dir.appendingPathComponent("backups")
        let ts = try FileManager.default.contentsOfDirectory(atPath: backups.path).first { BackupTimestamp($0) != nil }
        let archive = backups.appendingPathComponent("\(ts ?? "")/store.tar.gz")
        var bytes = try Data(contentsOf: archive)
        bytes[bytes.count / 3] ^= 1
        try bytes.write(to: archive)
        let (code, text) = await run(["backup", "verify", "--backup-url", url])
        #expect(code == ExitCode.dataError && text.contains("checksum mismatch"), "\(text)")
        let (restoreCode, _) = await run(["restore", "--data-dir", data.path, "--backup-url", url])
        #expect(restoreCode == ExitCode.dataError)
    }

    /// The same round trip through `s3://` against moto (skipped visibly without it).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SHOP_SUMMARY_TEST_S3_ENDPOINT"] != nil,
                   "needs SHOP_SUMMARY_TEST_S3_ENDPOINT (tests/services/start-moto.sh)"))
    func backupDeleteInitOverS3() async throws {
        let endpoint = ProcessInfo.processInfo.environment["SHOP_SUMMARY_TEST_S3_ENDPOINT"] ?? ""
        let bucket = "cli-\(UUID().uuidString.prefix(8).lowercased())"
        var config = S3Configuration(bucket: bucket)
        config.endpoint = URL(string: endpoint)
        let credentials = AWSCredentials(accessKeyID: "AKIATESTCLI", secretAccessKey: "moto-does-not-check")
        try await S3ObjectStore(configuration: config, credentials: StaticCredentialProvider(credentials)).createBucket()
        let environment = ["AWS_ENDPOINT_URL_S3": endpoint, "AWS_ACCESS_KEY_ID": "AKIATESTCLI",
                           "AWS_SECRET_ACCESS_KEY": "moto-does-not-check", "AWS_REGION": "us-east-1"]
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("db")
        try makeStoreFolder(data)
        let (_, statsBefore) = await run(["db", "stats", "--json", "--data-dir", data.path])
        let common = ["--data-dir", data.path, "--backup-url", "s3://\(bucket)/vector-db-backups"]
        let backup = await run(["backup"] + common, environment: environment)
        #expect(backup.0 == 0, "\(backup.1)")
        #expect(backup.1.contains("s3://\(bucket)/vector-db-backups/"))
        try FileManager.default.removeItem(at: data)
        let restored = await run(["init"] + common, environment: environment)
        #expect(restored.0 == 0 && restored.1.contains("restored backup"), "\(restored.1)")
        #expect(await run(["db", "stats", "--json", "--data-dir", data.path]).1 == statsBefore)
        #expect(await run(["backup", "verify"] + common.suffix(2), environment: environment).0 == 0)
        // Without credentials the error is clear and says what to set.
        let noCredentials = await run(["backup", "list"] + common.suffix(2), environment: [:])
        #expect(noCredentials.0 == ExitCode.unavailable && noCredentials.1.contains("AWS_ACCESS_KEY_ID"))
    }
}
