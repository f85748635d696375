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

    /// A reader that read manifest N just before a compaction published N+1 opens N's files after
    /// the collector ran: within the grace period (counted from N+1's publication) every file N
    /// names is still there, however old the files themselves are; a grace period later N and its
    /// files go (quarantine first, then deletion).
    @Test func aReaderOnASupersededVersionFindsItsFilesThroughTheGracePeriod() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = try VectorDatabase(directory: dir.url, configuration: .init(gcGracePeriod: 60))
        let c = try db.createCollection(name: "c", dimension: 4)
        for i in 0..<3 { try c.add([VectorRecord(id: "r\(i)", vector: [Float(i), 1, 0, 0])]) }
        let log = ManifestLog(directory: dir.path + "/collections/c")
        let readersVersion = try #require(try log.latestVersion())
        let readersManifest = try log.read(version: readersVersion)  // the reader has read N...
        #expect(readersManifest.files.count >= 3)
        let oldFiles = readersManifest.files.map { dir.path + "/collections/c/" + $0.file }
        try c.compact()  // ...and a writer publishes N+1, naming only the merged segment
        let successor = try #require(try log.latestVersion())
        #expect(successor > readersVersion)
        #expect(Set(try log.read(version: successor).files.map(\.file)).isDisjoint(with: readersManifest.files.map(\.file)))
        for f in oldFiles { try Self.age(f) }  // the files themselves are old

        #expect(try db.collectGarbage() == 0)
        for f in oldFiles { #expect(FileManager.default.fileExists(atPath: f), "\(f) must outlive the grace period") }
        #expect(FileManager.default.fileExists(atPath: log.path(version: readersVersion)))
        // The reader now opens its files: every row of N is readable from them.
        let ids = try readersManifest.segments.flatMap { e in
            try Segment(path: dir.path + "/collections/c/" + e.data.file, checksum: e.data.checksum, size: e.data.bytes,
                        dimension: 4, rows: e.rows, mapLocal: false).allIDs()
        }
        #expect(ids.sorted() == ["r0", "r1", "r2"])

        // A grace period after N+1 was published, N goes, then its files: quarantined first...
        // (Every manifest's successor is aged: removal goes upward from the oldest.)
        for v in 1...successor where FileManager.default.fileExists(atPath: log.path(version: v)) {
            try Self.age(log.path(version: v))
        }
        #expect(try db.collectGarbage() >= oldFiles.count)
        #expect(!FileManager.default.fileExists(atPath: log.path(version: readersVersion)))
        for f in oldFiles { #expect(!FileManager.default.fileExists(atPath: f)) }
        #expect(try Self.dataNames(dir).filter { Quarantine.parse($0) != nil }.count == oldFiles.count)
        // ...and deleted once the quarantine is a grace period old.
        let data = dir.path + "/collections/c/data/"
        for name in try Self.dataNames(dir) {
            guard let q = Quarantine.parse(name) else { continue }
            try FileManager.default.moveItem(atPath: data + name, toPath: data + Quarantine.name(for: q.original, at: q.time - 120))
        }
        _ = try db.collectGarbage()
        #expect(try Self.dataNames(dir).allSatisfy { Quarantine.parse($0) == nil })
        #expect(try c.get().map(\.id).sorted() == ["r0", "r1", "r2"])
        #expect(try db.verify().isHealthy)
    }
}
