import Foundation
import Observability
import Testing
import VectorIndex
@testable import VectorStore

/// The quantised scan is the default for segments up to 16 Mi components; it must answer exactly
/// what the full-precision scan answers (ids and distances, ties broken the same way), with
/// filters, deletions, duplicates and several segments, for every metric.
@Suite("Quantised exact scan")
struct QuantizedSearchTests {
    static func store(_ dir: TempDir, _ name: String, quantized: Bool, handler: InMemoryLogHandler? = nil) throws -> VectorDatabase {
        // Plain: no quantised scan, no HNSW (exact row limit above every segment).
        let planner = quantized ? SearchPlanner() : SearchPlanner(exactRowLimit: 1 << 30, quantizedComponentLimit: 0)
        let logger = handler.map { Logger(label: "test", level: .debug, handler: $0) } ?? .disabled()
        return try VectorDatabase(directory: dir.url.appendingPathComponent(name),
                                  configuration: .init(gcGracePeriod: 0, maxSegmentRows: 1_500, planner: planner), logger: logger)
    }

    @Test(arguments: [DistanceMetric.cosine, .l2, .ip])
    func answersExactlyWhatTheFullPrecisionScanAnswers(metric: DistanceMetric) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var recs = IndexedSearchTests.structured(4_000, dim: 48, seed: 21)
        // Exact duplicates (ties at the cut) and a scaled copy (same direction, another norm).
        for i in 0..<200 { recs[3_000 + i].vector = recs[i].vector }
        recs[3_500].vector = recs[5].vector.map { $0 * 3 }
        let handler = InMemoryLogHandler()
        let fast = try Self.store(dir, "q", quantized: true, handler: handler).createCollection(name: "c", dimension: 48, metric: metric)
        let plain = try Self.store(dir, "p", quantized: false).createCollection(name: "c", dimension: 48, metric: metric)
        for c in [fast, plain] {
            try c.add(recs)  // 1,500-row segments: three of them
            _ = try c.delete(ids: (0..<50).map { "s\($0 * 7)" })
        }
        var rng = SeededRNG(seed: 9)
        let filters: [MetadataFilter?] = [nil, .eq("third", .int(1)), .gte("i", .int(600))]
        for qi in 0..<30 {
            let q = recs[Int.random(in: 0..<recs.count, using: &rng)].vector.map { $0 + Float(qi % 4) * 0.02 }
            for f in filters {
                let a = try fast.query(vector: q, k: 10, where: f)
                let b = try plain.query(vector: q, k: 10, where: f)
                #expect(a.map(\.id) == b.map(\.id), "query \(qi), filter \(String(describing: f))")
                #expect(a.map(\.distance) == b.map(\.distance))
            }
        }
        let plans = handler.records.filter { $0.event == "query plan" }.compactMap { $0.metadata["plan"]?.description }
        #expect(plans.contains("quantized"))
        #expect(!plans.contains("hnsw"))
        // No HNSW index is written for segments the quantised scan serves.
        #expect(try !FileManager.default.contentsOfDirectory(atPath: dir.path + "/q/collections/c/data").contains {
            $0.hasSuffix(".hnsw") || $0.hasSuffix(".vproj")
        })
    }

    /// Shapes chosen to stress the bounds: one component with a huge range (coarse codes for it),
    /// near-constant components, tiny and large magnitudes, rows that differ in one bit.
    @Test(arguments: ["outlier component", "near constant", "tiny", "subnormal", "huge", "large norms", "one-bit neighbours"])
    func adversarialShapesStayExact(shape: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var rng = SeededRNG(seed: 77)
        let dim = 40
        var recs = IndexedSearchTests.structured(1_200, dim: dim, seed: 31)
        for i in recs.indices {
            switch shape {
            case "outlier component": recs[i].vector[3] = i % 50 == 0 ? 1_000 : Float.random(in: -1...1, using: &rng)
            case "near constant": for d in 0..<dim where d % 2 == 0 { recs[i].vector[d] = 0.5 + Float(i % 3) * 1e-7 }
            case "tiny": recs[i].vector = recs[i].vector.map { $0 * 1e-20 }
            case "subnormal": recs[i].vector = recs[i].vector.map { $0 * (Float.leastNormalMagnitude / 12) }
            case "huge": recs[i].vector = recs[i].vector.map { $0 * 1e18 }
            case "large norms": recs[i].vector = recs[i].vector.map { $0 * Float(1 + i % 7) * 1e4 }
            default: if i % 2 == 1 { recs[i].vector = recs[i - 1].vector; recs[i].vector[i % dim] = recs[i].vector[i % dim].nextUp }
            }
        }
        for metric in [DistanceMetric.cosine, .l2, .ip] {
            let fast = try Self.store(dir, "q-\(metric)", quantized: true).createCollection(name: "c", dimension: dim, metric: metric)
            let plain = try Self.store(dir, "p-\(metric)", quantized: false).createCollection(name: "c", dimension: dim, metric: metric)
            try fast.add(recs)
            try plain.add(recs)
            for qi in 0..<15 {
                let q = recs[(qi * 97) % recs.count].vector.map { $0 * 1.01 + 1e-3 * Float(qi % 2) }
                let a = try fast.query(vector: q, k: 10), b = try plain.query(vector: q, k: 10)
                #expect(a.map(\.id) == b.map(\.id), "\(shape), \(metric), query \(qi)")
                #expect(a.map(\.distance) == b.map(\.distance))
            }
        }
    }

    @Test func indexesOnlySegmentsBeyondTheQuantisedLimit() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let recs = IndexedSearchTests.structured(5_000, dim: 16, seed: 2)
        // 5,000 rows ≥ hnswMinRows (4,096) but 80k components: served by the quantised scan, no index.
        let served = try VectorDatabase(directory: dir.url.appendingPathComponent("a"), configuration: .init(gcGracePeriod: 0))
        try served.createCollection(name: "c", dimension: 16).add(recs)
        #expect(try !served.snapshotFiles().contains { $0.hasSuffix(".hnsw") || $0.hasSuffix(".vproj") })
        // With a limit below the segment size, each segment of the batch gets its index at write
        // time (built in parallel, one per core) and queries go through them.
        var config = VectorDatabase.Configuration(gcGracePeriod: 0, maxSegmentRows: 2_000, hnswMinRows: 500)
        config.planner.quantizedComponentLimit = 20_000
        config.planner.exactRowLimit = 500
        config.projectionIndex = false
        let indexed = try VectorDatabase(directory: dir.url.appendingPathComponent("b"), configuration: config)
        let c = try indexed.createCollection(name: "c", dimension: 16)
        try c.add(recs)
        // Segments of 2,000, 2,000 and 1,000 rows: the last (16k components) is scanned, not indexed.
        #expect(try indexed.snapshotFiles().filter { $0.hasSuffix(".hnsw") }.count == 2)
        #expect(try c.query(vector: recs[42].vector, k: 1).first?.id == recs[42].id)
    }

    @Test func bothKernelsGiveTheSameAnswers() throws {
        let recs = IndexedSearchTests.structured(2_000, dim: 40, seed: 4)
        let rows = recs.flatMap(\.vector)
        let query = TestDataQuery.normalized(recs[17].vector.map { $0 + 0.01 })
        var answers: [[Int32]] = []
        for kernel in KernelSelection.allCases where KernelSelection.isSupported(kernel) {
            let codes = rows.withUnsafeBufferPointer {
                QuantizedRows(rows: $0.baseAddress!, rowCount: 2_000, dimension: 40, normalize: true, kernel: kernel)
            }
            answers.append(query.withUnsafeBufferPointer { codes.candidates(query: $0, k: 10) }.map(\.row))
        }
        #expect(Set(answers.map { $0 }).count == 1)
    }
}

enum TestDataQuery {
    static func normalized(_ v: [Float]) -> [Float] {
        let n = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / n }
    }
}

/// Segments load the same way whether mapped (local filesystems) or read (NFS, and any unknown
/// filesystem): same rows, same checks.
@Suite("Segment loading: mapped and read")
struct SegmentLoadingTests {
    static func segmentFile(_ dir: TempDir) throws -> (path: String, entry: SegmentEntry) {
        let db = try VectorDatabase(directory: dir.url, configuration: .init(gcGracePeriod: 0))
        let c = try db.createCollection(name: "c", dimension: 8)
        try c.add(IndexedSearchTests.structured(300, dim: 8, seed: 1))
        let snap = try c.current()
        let entry = snap.manifest.segments[0]
        return (dir.path + "/collections/c/" + entry.data.file, entry)
    }

    @Test func bothPathsLoadTheSameRows() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let (path, e) = try Self.segmentFile(dir)
        let mapped = try Segment(path: path, checksum: e.data.checksum, size: e.data.bytes, dimension: 8, rows: e.rows, mapLocal: true)
        let read = try Segment(path: path, checksum: e.data.checksum, size: e.data.bytes, dimension: 8, rows: e.rows, mapLocal: false,
                               quantizeFor: .cosine)
        #expect(mapped.allIDs() == read.allIDs())
        for r in [0, 150, 299] { #expect(Array(mapped.vector(r)) == Array(read.vector(r))) }
    }

    @Test func onlyAllowlistedFilesystemsAreMapped() throws {
        // procfs is not on the allowlist: never mapped (NFS is refused the same way).
        let fd = open("/proc/self/status", O_RDONLY)
        defer { close(fd) }
        #expect(fd >= 0)
        #expect(!LocalFileSystem.isLocal(fd: fd))
        #expect(LocalFileSystem.map(fd: fd, bytes: 16) == nil)
    }

    @Test(arguments: [true, false])
    func flippedByteIsNamedEitherWay(mapLocal: Bool) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let (path, e) = try Self.segmentFile(dir)
        try CorruptionTests.flip(path, at: 200)
        #expect {
            _ = try Segment(path: path, checksum: e.data.checksum, size: e.data.bytes, dimension: 8, rows: e.rows,
                            mapLocal: mapLocal, quantizeFor: .cosine)
        } throws: { error in
            (error as? StorageError)?.code == .corruptFile && "\(error)".contains(path)
        }
    }
}
