import Foundation
import Observability
import Testing
import VectorIndex
@testable import VectorStore

@Suite("HNSW segments, planner and hybrid search")
struct IndexedSearchTests {
    /// "Realistic" data: a 12-d latent times a fixed random matrix plus noise (text-embedding-like).
    static func structured(_ n: Int, dim: Int, seed: UInt64) -> [VectorRecord] {
        var rng = SeededRNG(seed: seed)
        let latent = 12
        let matrix = (0..<(latent * dim)).map { _ in Float.random(in: -1...1, using: &rng) }
        return (0..<n).map { i in
            let z = (0..<latent).map { _ in Float.random(in: -1...1, using: &rng) }
            var v = [Float](repeating: 0, count: dim)
            for d in 0..<dim {
                for l in 0..<latent { v[d] += z[l] * matrix[l * dim + d] }
                v[d] += 0.2 * Float.random(in: -1...1, using: &rng)
            }
            return VectorRecord(id: "s\(i)", vector: v, document: nil, metadata: ["third": .int(i % 3), "i": .int(i)])
        }
    }

    static func config(_ handler: InMemoryLogHandler? = nil) -> VectorDatabase.Configuration {
        VectorDatabase.Configuration(gcGracePeriod: 0, hnswMinRows: 500,
                                     hnsw: .init(m: 16, efConstruction: 200, efSearch: 128, seed: 7),
                                     planner: SearchPlanner(exactRowLimit: 400, minimumHNSWSelectivity: 0.1, exactMatchLimit: 50,
                                                            quantizedComponentLimit: 0),
                                     projectionIndex: false)
    }

    static func plans(_ handler: InMemoryLogHandler) -> [String] {
        handler.records.filter { $0.event == "query plan" }.compactMap { $0.metadata["plan"]?.description }
    }

    static func bruteForce(_ recs: [VectorRecord], _ q: [Float], k: Int, _ f: MetadataFilter?) -> [String] {
        recs.filter { f?.matches($0.metadata) ?? true }.map { ($0.id, Fixtures.distance(.cosine, q, $0.vector)) }
            .sorted { $0.1 < $1.1 }.prefix(k).map(\.0)
    }

    @Test func filteredHNSWEqualsFilteredBruteForce() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "test", level: .debug, handler: handler)
        let db = try VectorDatabase(directory: dir.url, configuration: Self.config(), logger: logger)
        let c = try db.createCollection(name: "h", dimension: 32)
        let recs = Self.structured(3_000, dim: 32, seed: 11)
        try c.add(recs)
        #expect(try db.snapshotFiles().contains { $0.hasSuffix(".hnsw") })
        var rng = SeededRNG(seed: 5)
        let filter = MetadataFilter.eq("third", .int(1))
        for qi in 0..<20 {
            let q = recs[Int.random(in: 0..<recs.count, using: &rng)].vector.map { $0 + Float(qi % 3) * 0.01 }
            #expect(try c.query(vector: q, k: 10, where: filter).map(\.id) == Self.bruteForce(recs, q, k: 10, filter))
            #expect(try c.query(vector: q, k: 10).map(\.id) == Self.bruteForce(recs, q, k: 10, nil))
        }
        #expect(Self.plans(handler).allSatisfy { $0 == "hnsw" })
        // A highly selective filter goes to the exact scan, and is exact.
        let narrow = MetadataFilter.lt("i", .int(30))
        let q = recs[7].vector
        #expect(try c.query(vector: q, k: 5, where: narrow).map(\.id) == Self.bruteForce(recs, q, k: 5, narrow))
        #expect(Self.plans(handler).last == "exact")
    }

    @Test(arguments: ["flip", "missing"])
    func damagedIndexIsReportedAndRebuiltFromRows(damage: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let recs = Self.structured(1_000, dim: 16, seed: 3)
        do {
            let db = try VectorDatabase(directory: dir.url, configuration: Self.config())
            try db.createCollection(name: "h", dimension: 16).add(recs)
        }
        let data = dir.path + "/collections/h/data/"
        let indexFile = try #require(try FileManager.default.contentsOfDirectory(atPath: data).first { $0.hasSuffix(".hnsw") })
        if damage == "flip" {
            try CorruptionTests.flip(data + indexFile, at: 200)
        } else {
            try FileManager.default.removeItem(atPath: data + indexFile)
        }
        let handler = InMemoryLogHandler()
        let db = try VectorDatabase(directory: dir.url, configuration: Self.config(),
                                    logger: Logger(label: "test", level: .debug, handler: handler))
        let report = try db.verify()
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.file?.hasSuffix(indexFile) == true)
        // Queries still answer correctly (index rebuilt from the segment's rows) and repair the store;
        // the load failure is a typed error naming the file, logged before the rebuild.
        let q = recs[10].vector
        #expect(try db.collection(named: "h").query(vector: q, k: 5).map(\.id) == Self.bruteForce(recs, q, k: 5, nil))
        let rebuilt = try #require(handler.records.first { $0.event == "rebuilding damaged segment index" })
        #expect(rebuilt.metadata["file.path"]?.description.hasSuffix(indexFile) == true)
        #expect(rebuilt.metadata["error.short"]?.description == (damage == "flip" ? "corrupt file" : "missing file"))
        #expect(try db.verify().isHealthy)
        let again = try VectorDatabase(directory: dir.url, configuration: Self.config())
        #expect(try again.collection(named: "h").query(vector: q, k: 5).map(\.id) == Self.bruteForce(recs, q, k: 5, nil))
    }

    /// Hybrid search on real Naver reviews: a Korean keyword ranks the shops that mention it first.
    /// Skipped (visibly) when ../shared/data is absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: RealData.path), "needs ../shared/data/naver-place-seoul"),
          arguments: ["웨이팅", "파스타", "삼겹살"])
    func koreanKeywordRanksMentioningShopsFirst(keyword: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let shops = try RealData.shops()
        let db = try VectorDatabase(directory: dir.url)
        let c = try db.createCollection(name: "shops", dimension: 64)
        try c.add(shops.map { VectorRecord(id: $0.id, vector: RealData.embed($0.text), document: $0.text) })
        let mentioning = Set(shops.filter { $0.text.contains(keyword) }.map(\.id))
        #expect(!mentioning.isEmpty)
        let n = min(mentioning.count, 5)
        // Keyword ranking alone: exactly the mentioning shops first.
        let text = try c.textQuery(keyword, k: n)
        #expect(text.count == n)
        #expect(text.allSatisfy { mentioning.contains($0.id) }, "BM25 top \(n) for \(keyword): \(text.map(\.id))")
        // Hybrid (RRF with a crude test embedding): the best hit mentions it, and at most one of
        // the top n does not (the vector half may promote a short, similar-looking review).
        let hits = try c.hybridQuery(vector: RealData.embed(keyword), text: keyword, k: n)
        #expect(hits.count == n)
        #expect(hits.first.map { mentioning.contains($0.id) } == true)
        #expect(hits.filter { mentioning.contains($0.id) }.count >= n - 1, "hybrid top \(n) for \(keyword): \(hits.map(\.id))")
    }
}

/// The shared real data set (Naver Place reviews of 30 Seoul shops).
enum RealData {
    static let path: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent("../shared/data/naver-place-seoul/shops_30.jsonl").standardizedFileURL.path
    }()

    static func shops() throws -> [(id: String, text: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = obj["place_id"] as? String, let reviews = obj["reviews"] as? [[String: Any]] else { return nil }
            let body = reviews.prefix(60).compactMap { $0["content"] as? String }.joined(separator: "\n")
            return (id, body)
        }
    }

    /// A tiny hashed character-bigram embedding (test only), L2-normalised.
    static func embed(_ text: String) -> [Float] {
        var v = [Float](repeating: 0, count: 64)
        let chars = Array(text)
        for i in 0..<max(chars.count - 1, 0) {
            v[abs(String([chars[i], chars[i + 1]]).unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) }) % 64] += 1
        }
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v.map { _ in 1 / 8 }
    }
}
