import Foundation
import Testing
@testable import Backup

@Suite("Backup manifest and timestamps")
struct ManifestTests {
    private func valid() throws -> BackupManifest {
        let ts = try #require(BackupTimestamp("20261201_020000"))
        return BackupManifest(
            kind: .full, timestamp: ts, createdAt: Date(timeIntervalSince1970: 1_796_000_000), toolVersion: "t",
            storeFormatVersion: 1,
            archive: .init(key: "20261201_020000/store.tar.gz", size: 10, sha256: String(repeating: "a", count: 64),
                           root: "db"),
            files: [.init(path: "collections/a/seg-1", size: 4, sha256: String(repeating: "b", count: 64), object: nil)],
            totalBytes: 4, summary: StoreSummary(formatVersion: 1, collections: ["a": 3], totalBytes: 4))
    }

    @Test func roundTripsThroughJSON() throws {
        let manifest = try valid()
        let decoded = try BackupManifest.decode(try manifest.encoded(), source: "test")
        #expect(decoded == manifest)
        let text = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(text.contains("\"timestamp\" : \"20261201_020000\""))
        #expect(text.contains("\"format\" : \"shop-summary-backup\""))
    }

    enum Problem: String, CaseIterable, Sendable {
        case unsafePath, absolutePath, badDigest, wrongTotal, futureVersion, foreignFormat, foreignArchiveKey,
             fullWithoutArchive, duplicatePath

        func apply(to m: inout BackupManifest) {
            switch self {
            case .unsafePath: m.files[0].path = "../etc/passwd"
            case .absolutePath: m.files[0].path = "/etc/passwd"
            case .badDigest: m.files[0].sha256 = "XYZ"
            case .wrongTotal: m.totalBytes = 5
            case .futureVersion: m.manifestVersion = 99
            case .foreignFormat: m.format = "chroma"
            case .foreignArchiveKey: m.archive?.key = "20250101_000000/store.tar.gz"
            case .fullWithoutArchive: m.archive = nil
            case .duplicatePath:
                m.files.append(m.files[0])
                m.totalBytes = 8
            }
        }
    }

    @Test(arguments: Problem.allCases)
    func inconsistentManifestsAreRefused(problem: Problem) throws {
        var manifest = try valid()
        problem.apply(to: &manifest)
        let data = try manifest.encoded()
        let error = #expect(throws: BackupError.self, "\(problem)") {
            _ = try BackupManifest.decode(data, source: "s3://b/p/20261201_020000/manifest.json")
        }
        #expect(error?.code == .invalidManifest)
        #expect(error?.message.contains("s3://b/p/20261201_020000/manifest.json") == true)
    }

    @Test func garbageIsInvalidManifestNamingTheSource() {
        let error = #expect(throws: BackupError.self) {
            _ = try BackupManifest.decode(Data("{not json".utf8), source: "latest/manifest.json")
        }
        #expect(error?.code == .invalidManifest)
        #expect(error?.message.contains("latest/manifest.json") == true)
    }

    @Test func timestampsParseFormatAndOrder() throws {
        let ts = try #require(BackupTimestamp("20261231_235959"))
        #expect(ts.next().text == "20270101_000000")
        #expect(BackupTimestamp(date: ts.date).text == ts.text)
        for bad in ["latest", "2026123_235959", "20261231-235959", "20260230_000000", "20261231_246000", "objects"] {
            #expect(BackupTimestamp(bad) == nil, "\(bad)")
        }
        #expect(try #require(BackupTimestamp("20261130_000000")) < ts)
        #expect(BackupLayout.timestamp(ofKey: "20261231_235959/store.tar.gz") == ts)
        #expect(BackupLayout.timestamp(ofKey: "latest/manifest.json") == nil)
        #expect(BackupLayout.objectKey(sha256: "abcdef") == "objects/sha256/ab/abcdef")
    }

    @Test func backupURLsResolveLikeTheCLIDocuments() {
        let cwd = URL(fileURLWithPath: "/work/app")
        #expect(BackupLocation.localDirectory(for: "file://./.shop-summary/backups", currentDirectory: cwd)?.path
                == "/work/app/.shop-summary/backups")
        #expect(BackupLocation.localDirectory(for: "file:///var/backups", currentDirectory: cwd)?.path == "/var/backups")
        #expect(BackupLocation.localDirectory(for: "backups", currentDirectory: cwd)?.path == "/work/app/backups")
        #expect(BackupLocation.localDirectory(for: "s3://bucket/prefix", currentDirectory: cwd) == nil)
    }
}
