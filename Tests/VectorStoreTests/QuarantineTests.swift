import Foundation
import Testing
@testable import VectorStore

/// Garbage collection deletes data files in two phases (quarantine, then delete a grace period
/// later), so no interleaving of a collector and a committing writer loses a committed file.
@Suite("Two-phase garbage collection")
struct QuarantineTests {
    static let hourAgo = Date(timeIntervalSinceNow: -3600)

    static func age(_ path: String) throws {
        try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: path)
    }

    static func dataNames(_ dir: TempDir, _ collection: String = "c") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path + "/collections/\(collection)/data").sorted()
    }

    static func pending(_ c: VectorCollection, id: String) throws -> [SegmentEntry] {
        try c.writeSegments(RecordRows(records: [VectorRecord(id: id, vector: [0, 1, 0, 0])][...], dimension: 4))
    }

    @Test func quarantineNamesRoundTrip() {
        let name = Quarantine.name(for: "seg-1-2.vseg", at: 1_764_850_000.5)
        #expect(name == ".gc-1764850000500-seg-1-2.vseg")
        let parsed = Quarantine.parse(name)
        #expect(parsed?.original == "seg-1-2.vseg" && parsed?.time == 1_764_850_000.5)
        #expect(Quarantine.parse("seg-1.vseg") == nil && Quarantine.parse(".gc-x-seg") == nil && Quarantine.parse(".gc-12-") == nil)
    }

    /// An unreferenced old file is first renamed, kept for a grace period, then deleted.
    @Test func unreferencedFilesAreQuarantinedThenDeleted() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: .init(gcGracePeriod: 60))
        let c = try db.createCollection(name: "c", dimension: 4)
        try c.add([VectorRecord(id: "kept", vector: [1, 0, 0, 0])])
        let orphan = try Self.pending(c, id: "orphan")[0].data.file
        let bare = String(orphan.dropFirst("data/".count))
        try Self.age(dir.path + "/collections/c/" + orphan)
        #expect(try db.collectGarbage() >= 1)
        let afterFirst = try Self.dataNames(dir)
        #expect(!afterFirst.contains(bare))
        let quarantined = try #require(afterFirst.first { Quarantine.parse($0)?.original == bare })
        #expect(try db.collectGarbage() == 0)  // younger than the grace period: kept
        #expect(try Self.dataNames(dir).contains(quarantined))
        // A grace period later (the quarantine time is in the name), it is deleted.
        let data = dir.path + "/collections/c/data/"
        try FileManager.default.moveItem(atPath: data + quarantined, toPath: data + Quarantine.name(for: bare, at: Date().timeIntervalSince1970 - 120))
        _ = try db.collectGarbage()
        #expect(!(try Self.dataNames(dir)).contains { Quarantine.parse($0)?.original == bare })
        #expect(try c.get().map(\.id) == ["kept"])
        #expect(try db.verify().isHealthy)
    }

    /// The interleaving the claim alone cannot prevent: the collector judged the writer's file old
    /// just before the writer claimed it, and renames it just after. The writer publishes, then
    /// restores its file; the store is complete.
    @Test func commitRacingWithTheCollectorKeepsItsFiles() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let c = try VectorDatabase(directory: dir.url, configuration: .init(gcGracePeriod: 60)).createCollection(name: "c", dimension: 4)
        let entries = try Self.pending(c, id: "late")
        let file = entries[0].data.file
        try Self.age(dir.path + "/collections/c/" + file)
        let log = ManifestLog(directory: dir.path + "/collections/c")
        let parent = try log.read(version: try #require(try log.latestVersion()))
        var next = parent
        next.segments += entries
        next.count += 1
        next.version = parent.version + 1
        next.parent = parent.commit
        try c.claimNewFiles(of: next, over: parent)                                        // writer: claim
        try log.quarantine(String(file.dropFirst("data/".count)), now: Date().timeIntervalSince1970)  // collector: rename
        #expect(try log.publish(next))                                                      // writer: publish
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/collections/c/" + file))
        try c.restoreClaimedFiles(of: next, over: parent)                                   // writer: restore
        #expect(FileManager.default.fileExists(atPath: dir.path + "/collections/c/" + file))
        let reopened = try VectorDatabase(directory: dir.url)
        #expect(try reopened.collection(named: "c").get().map(\.id) == ["late"])
        #expect(try reopened.verify().isHealthy)
    }

    /// The writer died between its publish and its restore: readers, verify and the next
    /// collection run put the file back instead of failing or deleting it, even once the
    /// quarantine is older than the grace period.
    @Test(arguments: ["reader", "verify", "collector"])
    func aCommittedFileLeftInQuarantineIsRestored(by who: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let config = VectorDatabase.Configuration(gcGracePeriod: 60)
        let c = try VectorDatabase(directory: dir.url, configuration: config).createCollection(name: "c", dimension: 4)
        try c.add([VectorRecord(id: "a", vector: [1, 0, 0, 0]), VectorRecord(id: "b", vector: [0, 1, 0, 0])])
        try c.delete(ids: ["b"])  // a tombstone file too
        let log = ManifestLog(directory: dir.path + "/collections/c")
        let manifest = try log.read(version: try #require(try log.latestVersion()))
        let old = Date().timeIntervalSince1970 - 3600
        for f in manifest.files { try log.quarantine(String(f.file.dropFirst("data/".count)), now: old) }
        #expect(try Self.dataNames(dir).allSatisfy { Quarantine.parse($0) != nil })
        let db = try VectorDatabase(directory: dir.url, configuration: config)
        switch who {
        case "reader":
            #expect(try db.collection(named: "c").query(vector: [1, 0, 0, 0], k: 2).map(\.id) == ["a"])
        case "verify":
            #expect(try db.verify().isHealthy)
        default:
            _ = try db.collectGarbage()
        }
        #expect(try Self.dataNames(dir) == manifest.files.map { String($0.file.dropFirst("data/".count)) }.sorted())
        #expect(try VectorDatabase(directory: dir.url).verify().isHealthy)
    }
}
