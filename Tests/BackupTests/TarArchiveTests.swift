import CryptoSupport
import Foundation
import Testing
@testable import Backup

@Suite("Tar archive")
struct TarArchiveTests {
    private let regular = TarHeader.Kind.regular.rawValue

    @Test func roundTripThroughOurExtractorAndSystemTar() throws {
        let dir = try BackupFixtures.tempDir("tar")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("db")
        var files = try BackupFixtures.makeStore(at: source)
        // A path beyond ustar's 100/155 split forces a pax header.
        let longPath = "collections/" + String(repeating: "긴이름", count: 20) + "/" + String(repeating: "x", count: 120)
        files[longPath] = Data("long".utf8)
        try FileManager.default.createDirectory(at: source.appendingPathComponent(longPath).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try files[longPath]?.write(to: source.appendingPathComponent(longPath))
        files["empty.bin"] = Data()
        try Data().write(to: source.appendingPathComponent("empty.bin"))

        let archive = dir.appendingPathComponent("a.tar.gz")
        var writer = try TarWriter(fileAt: archive, compressionLevel: 6)
        try writer.addDirectory("db")
        var digests: [String: String] = [:]
        for path in files.keys.sorted() {
            let digest = try writer.addFile(at: source.appendingPathComponent(path), as: "db/" + path, relativePath: path)
            digests[path] = digest.sha256
            #expect(digest.size == Int64(files[path]?.count ?? -1))
        }
        let summary = try writer.finish()
        #expect(summary.sha256 == (try SHA256.hexHash(fileAt: archive)))

        // Ours.
        let ours = dir.appendingPathComponent("ours")
        let extracted = try SafeExtractor(root: "db").extract(archive: archive, into: ours)
        #expect(extracted.count == files.count)
        for file in extracted { #expect(file.sha256 == digests[file.path]) }
        #expect(try BackupFixtures.contents(of: ours) == files)

        // Plain `tar -xzf`.
        let theirs = dir.appendingPathComponent("theirs")
        try FileManager.default.createDirectory(at: theirs, withIntermediateDirectories: true)
        let (status, output) = try BackupFixtures.run(["tar", "-xzf", archive.path, "-C", theirs.path])
        #expect(status == 0, "tar said: \(output)")
        #expect(try BackupFixtures.contents(of: theirs.appendingPathComponent("db")) == files)
    }

    @Test func readsArchivesMadeByGNUTar() throws {
        let dir = try BackupFixtures.tempDir("tar")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("chroma_db")
        var files = try BackupFixtures.makeStore(at: source, segments: 2)
        let longPath = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 150)
        try FileManager.default.createDirectory(at: source.appendingPathComponent(longPath).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data("gnu long name".utf8).write(to: source.appendingPathComponent(longPath))
        files[longPath] = Data("gnu long name".utf8)
        let archive = dir.appendingPathComponent("gnu.tar.gz")
        let (status, output) = try BackupFixtures.run(["tar", "czf", archive.path, "-C", dir.path, "chroma_db"])
        #expect(status == 0, "tar said: \(output)")
        let out = dir.appendingPathComponent("out")
        _ = try SafeExtractor(root: "chroma_db").extract(archive: archive, into: out)
        #expect(try BackupFixtures.contents(of: out) == files)
    }

    // MARK: - Hostile archives

    /// Extracting `entries` into `<dir>/target/inner` must fail with `.unsafeEntry`, and nothing
    /// may appear outside `inner`.
    private func expectRefused(_ entries: [(name: String, type: UInt8, content: Data, link: String)],
                               root: String? = nil, mentioning needle: String) throws {
        let dir = try BackupFixtures.tempDir("tar-evil")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("evil.tar.gz")
        try BackupFixtures.craftArchive(at: archive, entries: entries)
        let target = dir.appendingPathComponent("target/inner")
        let error = #expect(throws: BackupError.self) {
            _ = try SafeExtractor(root: root).extract(archive: archive, into: target)
        }
        #expect(error?.code == .unsafeEntry)
        #expect(error?.message.contains(needle) == true, "message: \(error?.message ?? "")")
        // Nothing outside the target: only the archive and the target folder exist.
        let top = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(top == ["evil.tar.gz", "target"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("target").path) == ["inner"])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escape-\(dir.lastPathComponent)"))
    }

    @Test func dotDotEntryIsRefused() throws {
        try expectRefused([("ok.txt", regular, Data("fine".utf8), ""),
                           ("../escape", regular, Data("pwned".utf8), "")], mentioning: "'..'")
        try expectRefused([("db/a/../../../escape", regular, Data("pwned".utf8), "")], root: "db", mentioning: "'..'")
    }

    @Test func absolutePathIsRefused() throws {
        try expectRefused([("/tmp/escape-abs", regular, Data("pwned".utf8), "")], mentioning: "absolute path")
    }

    @Test func escapingSymlinkAndHardlinkAreRefused() throws {
        let symlink = TarHeader.Kind.symbolicLink.rawValue
        let hardlink = TarHeader.Kind.hardLink.rawValue
        try expectRefused([("link", symlink, Data(), "/etc"),
                           ("link/passwd", regular, Data("pwned".utf8), "")], mentioning: "outside the target")
        try expectRefused([("a/link", symlink, Data(), "../../.."),
                           ("a/link/escape", regular, Data("pwned".utf8), "")], mentioning: "outside the target")
        try expectRefused([("hard", hardlink, Data(), "../../etc/passwd")], mentioning: "hard link")
    }

    @Test func devicesAndForeignRootsAreRefused() throws {
        try expectRefused([("null", TarHeader.Kind.characterDevice.rawValue, Data(), "")], mentioning: "device")
        try expectRefused([("fifo", TarHeader.Kind.fifo.rawValue, Data(), "")], mentioning: "FIFO")
        try expectRefused([("db/ok", regular, Data("x".utf8), ""), ("other/file", regular, Data("x".utf8), "")],
                          root: "db", mentioning: "root folder")
        try expectRefused([("db/x", regular, Data("1".utf8), ""), ("db/x", regular, Data("2".utf8), "")],
                          root: "db", mentioning: "duplicate")
    }

    @Test func truncatedAndDamagedArchivesAreCorrupt() throws {
        let dir = try BackupFixtures.tempDir("tar-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("a.tar.gz")
        try BackupFixtures.craftArchive(at: archive, entries: [
            ("db/big.bin", regular, BackupFixtures.bytes(300_000, seed: 3), ""),
        ])
        let full = try Data(contentsOf: archive)
        try full.prefix(full.count / 2).write(to: archive)
        let truncated = #expect(throws: BackupError.self) {
            _ = try SafeExtractor(root: "db").extract(archive: archive, into: dir.appendingPathComponent("t1"))
        }
        #expect(truncated?.code == .corruptArchive)

        // A valid gzip stream whose tar header checksum is wrong.
        var block = TarHeader(name: "db/x", mode: 0o644, size: 0, modificationTime: 0, typeFlag: regular,
                              linkName: "").encode()
        block[0] = UInt8(ascii: "e")  // name changed after the checksum was computed
        try GzipData.compress(Data(block + [UInt8](repeating: 0, count: 1024))).write(to: archive)
        let badHeader = #expect(throws: BackupError.self) {
            _ = try SafeExtractor(root: nil).extract(archive: archive, into: dir.appendingPathComponent("t2"))
        }
        #expect(badHeader?.code == .corruptArchive)
        #expect(badHeader?.message.contains("checksum") == true)
    }

    @Test func paxRecordsRoundTrip() throws {
        let pairs = [("path", String(repeating: "p", count: 300)), ("size", "9999999999999"), ("x", "")]
        let parsed = try PaxRecords.parse(PaxRecords.encode(pairs))
        #expect(parsed["path"] == pairs[0].1)
        #expect(parsed["size"] == "9999999999999")
        #expect(parsed["x"] == "")
        // Length prefix of 9 → 10 digits boundary.
        for length in 1...120 {
            let value = String(repeating: "v", count: length)
            #expect(try PaxRecords.parse(PaxRecords.encode([("k", value)]))["k"] == value)
        }
    }
}
