import CryptoSupport
import Foundation
import Testing
@testable import VectorStore

@Suite("Damaged files are typed errors naming the file")
struct CorruptionTests {
    /// A store with one collection of 50 rows; returns the directory and the segment path.
    static func makeStore(_ dir: TempDir) throws -> String {
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "c", dimension: 16)
        try c.add(Fixtures.records(50, dim: 16))
        try c.delete(ids: ["r1"])
        let data = dir.path + "/collections/c/data"
        let seg = try FileManager.default.contentsOfDirectory(atPath: data).first { $0.hasSuffix(".vseg") }
        return data + "/" + (seg ?? "")
    }

    static func openError(_ dir: TempDir) -> StorageError? {
        do {
            let db = try VectorDatabase(directory: dir.url)
            _ = try db.collection(named: "c").query(vector: [Float](repeating: 0.1, count: 16), k: 3)
            return nil
        } catch let e as StorageError {
            return e
        } catch {
            return nil
        }
    }

    static func flip(_ path: String, at offset: Int) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[offset] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    @Test(arguments: [0, 100, 3_000, -1])
    func flippedByteInSegment(offset: Int) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let seg = try Self.makeStore(dir)
        let size = try FileManager.default.attributesOfItem(atPath: seg)[.size] as? Int ?? 0
        try Self.flip(seg, at: offset < 0 ? size - 1 : offset)
        let error = Self.openError(dir)
        #expect(error?.code == .corruptFile)
        #expect(error?.message.contains((seg as NSString).lastPathComponent) == true)
        let report = try VectorDatabase(directory: dir.url).verify()
        #expect(!report.isHealthy)
        #expect(report.problems.first?.file?.hasSuffix((seg as NSString).lastPathComponent) == true)
    }

    @Test func truncatedSegment() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let seg = try Self.makeStore(dir)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: seg))
        try h.truncate(atOffset: 500)
        try h.close()
        let error = Self.openError(dir)
        #expect(error?.code == .corruptFile)
        #expect(error?.path == seg)
        let problems = try VectorDatabase(directory: dir.url).verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.file?.hasSuffix((seg as NSString).lastPathComponent) == true)
    }

    @Test func manifestNamingMissingFile() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let seg = try Self.makeStore(dir)
        try FileManager.default.removeItem(atPath: seg)
        let error = Self.openError(dir)
        #expect(error?.code == .missingFile)
        #expect(error?.message.contains((seg as NSString).lastPathComponent) == true)
        let report = try VectorDatabase(directory: dir.url).verify()
        #expect(report.problems.map(\.message).joined().contains("missing"))
        #expect(report.problems.contains { $0.file?.hasSuffix((seg as NSString).lastPathComponent) == true })
    }

    @Test func damagedManifestAndTombstones() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        _ = try Self.makeStore(dir)
        let data = dir.path + "/collections/c/data"
        let del = try FileManager.default.contentsOfDirectory(atPath: data).first { $0.hasSuffix(".vdel") } ?? ""
        try Self.flip(data + "/" + del, at: 25)
        #expect(Self.openError(dir)?.message.contains(del) == true)
        let manifests = dir.path + "/collections/c/manifests"
        let newest = try FileManager.default.contentsOfDirectory(atPath: manifests).filter { $0.hasSuffix(".manifest") }.max() ?? ""
        try Self.flip(manifests + "/" + newest, at: 80)
        let error = Self.openError(dir)
        #expect(error?.code == .corruptFile)
        #expect(error?.message.contains(newest) == true)
        #expect(throws: StorageError.self) { try VectorDatabase(directory: dir.url).stats() }
    }

    /// Garbage that happens to pass a checksum (a crafted manifest) is still bounds-checked.
    /// A segment edited and given a matching manifest checksum: a section offset past the file,
    /// a footer version that disagrees with the header, a non-zero reserved footer field, a
    /// non-zero reserved header byte. Each is a corrupt file naming the segment.
    @Test(arguments: ["section offset", "footer version", "footer reserved", "header reserved"])
    func craftedSegmentWithValidChecksumIsRejected(field: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let seg = try Self.makeStore(dir)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: seg))
        let f = bytes.count - SegmentFormat.footerSize
        switch field {
        case "section offset": bytes.replaceSubrange(f..<(f + 8), with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        case "footer version": bytes[f + 68] &+= 1
        case "footer reserved": bytes[f + 83] = 1
        default: bytes[40] = 1
        }
        try bytes.write(to: URL(fileURLWithPath: seg))
        let log = ManifestLog(directory: dir.path + "/collections/c")
        let latest = try #require(try log.latestVersion())
        var m = try log.read(version: latest)
        let (sum, size) = try POSIXFile.checksum(seg)
        m.segments[0].data.checksum = sum
        m.segments[0].data.bytes = size
        m.version = latest + 1
        #expect(try log.publish(m))
        let error = Self.openError(dir)
        #expect(error?.code == .corruptFile)
        #expect(error?.path == seg)
    }

    @Test func futureFormatVersionIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        _ = try VectorDatabase(directory: dir.url)
        try #"{"format":"shop-summary-vector-store","formatVersion":99}"#.write(toFile: dir.path + "/STORE", atomically: true, encoding: .utf8)
        do { _ = try VectorDatabase(directory: dir.url); Issue.record("opened") } catch let e as StorageError {
            #expect(e.code == .formatVersion)
        }
    }

    /// Files of a newer format are refused with `.formatVersion` naming the file, never misread:
    /// a manifest (header), a segment (version field, checksum intact) and a tombstone file.
    @Test func newerManifestSegmentAndTombstoneVersionsAreRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let c = try VectorDatabase(directory: dir.url).createCollection(name: "c", dimension: 4)
        try c.add([VectorRecord(id: "a", vector: [1, 0, 0, 0]), VectorRecord(id: "b", vector: [0, 1, 0, 0])])
        _ = try c.delete(ids: ["b"])
        let log = ManifestLog(directory: dir.path + "/collections/c")
        let latest = try #require(try log.latestVersion())
        let manifest = try log.read(version: latest)
        let entry = try #require(manifest.segments.first { $0.tombstones != nil })
        func expectNewerFormat(_ path: String, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("\(path) was read")
            } catch let e as StorageError {
                #expect(e.code == .formatVersion && e.message.contains(path), "\(e)")
            } catch {
                Issue.record("\(error)")
            }
        }

        // Segment: version 2 in bytes 8..<12, checksum recomputed so only the version is wrong.
        var segment = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path + "/collections/c/" + entry.data.file)))
        segment[8] = 2
        let futureSegment = dir.path + "/future.vseg"
        try Data(segment).write(to: URL(fileURLWithPath: futureSegment))
        var hasher = SHA256()
        hasher.update(Data(segment))
        let checksum = "sha256:" + Hex.encode(hasher.finalize())
        expectNewerFormat(futureSegment) {
            _ = try Segment(path: futureSegment, checksum: checksum, size: Int64(segment.count), dimension: 4, rows: entry.rows)
        }

        // Tombstones: version 2.
        let tombstones = try #require(entry.tombstones)
        var deleted = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path + "/collections/c/" + tombstones.file)))
        deleted[8] = 2
        expectNewerFormat("future.vdel") { _ = try TombstoneFile.decode(deleted, rowCount: entry.rows, path: "future.vdel") }

        // Manifest: the newest one rewritten with format 99 in its header; the store refuses to read the collection.
        let path = log.path(version: latest)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let header = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        let future = ([String(header[0]), "99"] + header.dropFirst(2).map(String.init)).joined(separator: " ")
        bytes.replaceSubrange(0..<bytes.firstIndex(of: 0x0A)!, with: Array(future.utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        expectNewerFormat(path) { _ = try VectorDatabase(directory: dir.url).collection(named: "c").count() }
    }
}
