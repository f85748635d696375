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
    @Test func readersDoNotWaitAndBigBatchIsAtomicUnderKill() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let db = dir.path + "/db"
        let c = try VectorDatabase(directory: URL(fileURLWithPath: db)).createCollection(name: "c", dimension: 8)
        try c.add(Fixtures.records(10, dim: 8))
        let input = dir.url.appendingPathComponent("big.jsonl")
        try Binary.writeRecords(40_000, dim: 8, prefix: "big", seed: 9, to: input)
        // 1. Kill -9 once the writer has started writing segment data.
        let killed = try Binary.start(["db", "add", "--data-dir", db, "--collection", "c", "--file", input.path],
                                      env: ["SHOP_SUMMARY_DB_SEGMENT_ROWS": "10000"], log: dir.url.appendingPathComponent("log1"))
        let data = db + "/collections/c/data"
        let deadline = Date().addingTimeInterval(60)
        while killed.isRunning, Date() < deadline,
              (try FileManager.default.contentsOfDirectory(atPath: data)).filter({ $0.hasSuffix(".vseg") }).count < 2 {
            usleep(2_000)
        }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        let afterKill = try VectorDatabase(directory: URL(fileURLWithPath: db))
        let n = try afterKill.collection(named: "c").count()
        #expect(n == 10 || n == 40_010)
        #expect(try afterKill.verify().isHealthy)
        // 2. Readers during a running big write.
        let writer = try Binary.start(["db", "upsert", "--data-dir", db, "--collection", "c", "--file", input.path],
                                      log: dir.url.appendingPathComponent("log2"))
        var slowest = 0.0
        var reads = 0
        while writer.isRunning {
            let t0 = Date()
            let fresh = try VectorDatabase(directory: URL(fileURLWithPath: db)).collection(named: "c")
            let count = try fresh.count()
            _ = try fresh.query(vector: [Float](repeating: 0.1, count: 8), k: 3)
            #expect(count == n || count == 40_010)
            slowest = max(slowest, Date().timeIntervalSince(t0))
            reads += 1
            usleep(20_000)
        }
        #expect(writer.terminationStatus == 0)
        #expect(reads > 0)
        #expect(slowest < 5.0, "a reader waited \(slowest) s")
        #expect(try VectorDatabase(directory: URL(fileURLWithPath: db)).collection(named: "c").count() == 40_010)
    }
}
