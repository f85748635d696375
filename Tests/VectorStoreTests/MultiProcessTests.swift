import Foundation
import Testing
@testable import VectorStore

/// The real `shop-summary` binary (built by `swift build` / scripts/test.sh).
enum Binary {
    static let path: String = {
        if let env = ProcessInfo.processInfo.environment["SHOP_SUMMARY_BIN"] { return env }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/shop-summary").path
    }()
    static var exists: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Starts `shop-summary args…`; stdout/stderr go to files in `dir`.
    static func start(_ args: [String], env: [String: String] = [:], log: URL) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        // These tests are about concurrency; HNSW builds (tested elsewhere) would only slow them down.
        let base = ProcessInfo.processInfo.environment.merging(["SHOP_SUMMARY_DB_HNSW_MIN_ROWS": "1000000"]) { _, new in new }
        p.environment = base.merging(env) { _, new in new }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    static func run(_ args: [String], log: URL) throws -> Int32 {
        let p = try start(args, log: log)
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// JSON Lines of `n` records with ids `prefix0…`.
    static func writeRecords(_ n: Int, dim: Int, prefix: String, seed: UInt64, to url: URL) throws {
        var rng = SeededRNG(seed: seed)
        var text = ""
        for i in 0..<n {
            let v = Fixtures.vector(dim, &rng).map { String(format: "%.5f", $0) }.joined(separator: ",")
            text += "{\"id\":\"\(prefix)\(i)\",\"embedding\":[\(v)],\"document\":\"doc \(i)\",\"metadata\":{\"i\":\(i)}}\n"
        }
        try text.write(to: url, atomically: false, encoding: .utf8)
    }
}

// Spawns the built binary; skipped (visibly) when `.build/debug/shop-summary` is absent.
@Suite("Several processes on one store", .enabled(if: Binary.exists, "needs .build/debug/shop-summary (swift build)"))
struct MultiProcessTests {
    /// A writer that keeps losing the race gives up with a typed error naming the writer that
    /// won: here another process (its host and pid), not this one.
    @Test func conflictErrorNamesTheWinningWriter() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let a = try VectorDatabase(directory: dir.url, configuration: .init(maxCommitAttempts: 1)).createCollection(name: "c", dimension: 4)
        var winner: Int32 = 0
        do {
            try a.commit("test add") { snap, _ in
                let p = try Binary.start(["db", "add", "--data-dir", dir.path, "--collection", "c", "--id", "from-b", "--vector", "[0,1,0,0]"],
                                         log: dir.url.appendingPathComponent("log"))
                p.waitUntilExit()
                winner = p.processIdentifier
                return snap.manifest
            }
            Issue.record("the loser of the only attempt committed")
        } catch let error as StorageError {
            #expect(error.code == .commitConflict)
            #expect(error.message.contains("last winning writer: \(ProcessInfo.processInfo.hostName) \(winner);"), "\(error.message)")
            #expect(!error.message.contains(" \(getpid());"))
        }
        #expect(try a.get().map(\.id) == ["from-b"])
    }

    @Test func threeProcessesInitialiseAnEmptyDirectoryAtOnce() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = dir.path + "/fresh/db"
        let procs = try (0..<3).map { i in
            try Binary.start(["db", "create", "--data-dir", db, "--collection", "c\(i)", "--dimension", "4"],
                             log: dir.url.appendingPathComponent("log\(i)"))
        }
        let same = try (0..<3).map { i in
            try Binary.start(["db", "create", "--data-dir", db, "--collection", "shared", "--dimension", "4", "--if-missing"],
                             log: dir.url.appendingPathComponent("same\(i)"))
        }
        for p in procs + same { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        let stats = try VectorDatabase(directory: URL(fileURLWithPath: db)).stats()
        #expect(stats.collections.map(\.name) == ["c0", "c1", "c2", "shared"])
    }

    @Test func threeProcessesUpsertIntoOneCollection() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = dir.path + "/db"
        _ = try VectorDatabase(directory: URL(fileURLWithPath: db)).createCollection(name: "c", dimension: 8)
        for w in 0..<3 {
            try Binary.writeRecords(10_000, dim: 8, prefix: "w\(w)-", seed: UInt64(w), to: dir.url.appendingPathComponent("in\(w).jsonl"))
        }
        let procs = try (0..<3).map { w in
            try Binary.start(["db", "upsert", "--data-dir", db, "--collection", "c", "--file",
                              dir.path + "/in\(w).jsonl", "--batch-size", "500"],
                             log: dir.url.appendingPathComponent("log\(w)"))
        }
        for p in procs { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        let store = try VectorDatabase(directory: URL(fileURLWithPath: db))
        let c = try store.collection(named: "c")
        #expect(try c.count() == 30_000)
        let ids = try c.get().map(\.id)
        #expect(Set(ids).count == 30_000)
        #expect(try c.get(ids: ["w0-0", "w1-9999", "w2-5000"]).count == 3)
        #expect(try store.verify().isHealthy)
    }

    @Test func openReaderSeesRowsAddedByAnotherProcess() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = dir.path + "/db"
        let reader = try VectorDatabase(directory: URL(fileURLWithPath: db)).createCollection(name: "c", dimension: 8)
        #expect(try reader.count() == 0)
        #expect(try reader.query(vector: [Float](repeating: 0.5, count: 8), k: 5).isEmpty)
        let input = dir.url.appendingPathComponent("in.jsonl")
        try Binary.writeRecords(3_000, dim: 8, prefix: "b", seed: 3, to: input)
        #expect(try Binary.run(["db", "add", "--data-dir", db, "--collection", "c", "--file", input.path],
                               log: dir.url.appendingPathComponent("log")) == 0)
        #expect(try reader.get().count == 3_000)
        let probe = try reader.get(ids: ["b1234"], includeVectors: true)[0].vector
        #expect(try reader.query(vector: probe, k: 1).first?.id == "b1234")
        #expect(try reader.query(vector: probe, k: 3_000).count == 3_000)
    }

    /// A reader never waits for a writer: while a 40k-row batch is being written, opening and
    /// querying answer at once from the previous version; a kill -9 mid-batch (after some of its
    /// four segment files are written) leaves no partial batch. (100k rows in one call: see
    /// ConcurrencyTests.largeBatchIsAllOrNothing; the debug build's JSON parsing makes 100k slow here.)
    /// A second process while a writer is mid-batch: readers open, count and query without
    /// waiting and see the old version; a second writer commits its own rows without waiting; a
    /// kill -9 mid-batch leaves nothing of the batch visible. (No locks exist to wait on: commits
    /// are optimistic, so "mid-batch" means while the writer's segment files are being written.)
    @Test func readersDoNotWaitAndBigBatchIsAtomicUnderKill() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = dir.path + "/db"
        let c = try VectorDatabase(directory: URL(fileURLWithPath: db)).createCollection(name: "c", dimension: 8)
        try c.add(Fixtures.records(10, dim: 8))
        let input = dir.url.appendingPathComponent("big.jsonl")
        try Binary.writeRecords(40_000, dim: 8, prefix: "big", seed: 9, to: input)
        let data = db + "/collections/c/data"
        func segmentFiles() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasSuffix(".vseg") }.count
        }
        let committedSegments = try segmentFiles()
        // 1. Kill -9 once the writer has written 2 of its 4 segments: the batch was not committed
        //    unless all 4 exist, and then nothing of it may be visible.
        let killed = try Binary.start(["db", "add", "--data-dir", db, "--collection", "c", "--file", input.path],
                                      env: ["SHOP_SUMMARY_DB_SEGMENT_ROWS": "10000"], log: dir.url.appendingPathComponent("log1"))
        let deadline = Date().addingTimeInterval(60)
        while killed.isRunning, Date() < deadline, try segmentFiles() - committedSegments < 2 {
            usleep(1_000)
        }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        #expect(killed.terminationReason == .uncaughtSignal, "the writer finished before the kill landed")
        let written = try segmentFiles() - committedSegments
        let afterKill = try VectorDatabase(directory: URL(fileURLWithPath: db))
        let n = try afterKill.collection(named: "c").count()
        if written < 4 {
            #expect(n == 10, "a batch with \(written) of 4 segments written is visible")
        } else {
            #expect(n == 10 || n == 40_010)
        }
        #expect(try afterKill.verify().isHealthy)

        // 2. Readers and a second writer while a big batch (160 segments of 250 new rows, each
        //    fsynced) is written.
        let second = dir.url.appendingPathComponent("second.jsonl")
        try Binary.writeRecords(40_000, dim: 8, prefix: "second", seed: 10, to: second)
        let writer = try Binary.start(["db", "add", "--data-dir", db, "--collection", "c", "--file", second.path],
                                      env: ["SHOP_SUMMARY_DB_SEGMENT_ROWS": "250"], log: dir.url.appendingPathComponent("log2"))
        let before = try segmentFiles()
        var slowest = 0.0, readsMidBatch = 0, otherWriterDone = false
        var otherWriterSeconds = 0.0
        while writer.isRunning {
            let midBatch = try segmentFiles() > before
            let t0 = Date()
            let fresh = try VectorDatabase(directory: URL(fileURLWithPath: db)).collection(named: "c")
            let count = try fresh.count()
            let hits = try fresh.query(vector: [Float](repeating: 0.1, count: 8), k: 3)
            let expected: Set<Int> = otherWriterDone ? [n + 1, n + 40_001] : [n, n + 1, n + 40_000, n + 40_001]
            #expect(expected.contains(count), "count \(count) mid-batch")
            #expect(hits.count == 3)
            slowest = max(slowest, Date().timeIntervalSince(t0))
            // Mid-batch: the writer's segment files exist but its commit is not visible yet.
            if midBatch && count < n + 40_000 {
                readsMidBatch += 1
                if !otherWriterDone {
                    // The second writer, in this process, while the batch is being written.
                    let w0 = Date()
                    try fresh.add([VectorRecord(id: "other-writer", vector: [Float](repeating: 0.5, count: 8))])
                    otherWriterSeconds = Date().timeIntervalSince(w0)
                    otherWriterDone = true
                }
            }
            usleep(1_000)
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(readsMidBatch > 0, "no read overlapped the segment writing")
        #expect(otherWriterDone && otherWriterSeconds < 5.0, "the second writer took \(otherWriterSeconds) s")
        #expect(slowest < 5.0, "a reader waited \(slowest) s")
        let final = try VectorDatabase(directory: URL(fileURLWithPath: db)).collection(named: "c")
        #expect(try final.count() == n + 40_001)
        #expect(try final.get(ids: ["other-writer", "second0", "second39999"]).count == 3)
        #expect(try VectorDatabase(directory: URL(fileURLWithPath: db)).verify().isHealthy)
    }
}
