import Foundation
import VectorStore

/// Measures the real store (`VectorDatabase`/`VectorCollection`) the way the product uses it.
enum StoreBench {
    /// Adds `vectors.npy` rows as records `r<row>` with metadata `part = row % 3` (and
    /// `cuisine` from a text file with one value per row, when given), in batches.
    static func ingest(_ o: Options) throws {
        let vectors = try NPYFile(path: o.string("vectors"))
        let cuisines: [String]? = try o.optional("cuisines").map {
            try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let batch = try o.int("batch", default: 100_000)  // the API maximum: one add of up to 100k rows
        let clock = ContinuousClock()
        let cpuStart = BenchSupport.processCPUTime()
        let start = clock.now
        let db = try VectorDatabase(directory: URL(fileURLWithPath: o.string("dir")))
        let collection = try db.createCollection(name: o.string("name"), dimension: vectors.columns,
                                                 metric: DistanceMetric(rawValue: o.optional("metric") ?? "cosine") ?? .cosine)
        var row = 0
        while row < vectors.rows {
            let end = min(row + batch, vectors.rows)
            let records = (row..<end).map { i -> VectorRecord in
                var meta: Metadata = ["part": .int(i % 3)]
                if let cuisines, i < cuisines.count { meta["cuisine"] = .string(cuisines[i]) }
                return VectorRecord(id: "r\(i)", vector: vectors.row(i), metadata: meta)
            }
            try collection.add(records)
            row = end
        }
        let elapsed = BenchSupport.seconds(clock.now - start)
        try BenchSupport.emit(["ingest_s": elapsed, "ingest_cpu_s": BenchSupport.processCPUTime() - cpuStart,
                               "count": try collection.count(), "peak_rss": BenchSupport.peakRSS()])
    }

    /// Opens the store in this fresh process, runs the first query (cold), then every query.
    static func query(_ o: Options) throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        let queries = try NPYFile(path: o.string("queries"))
        let k = try o.int("k", default: 10)
        let filter = try o.optional("where").map { try MetadataFilter(json: $0) }
        let loaded = clock.now
        let db = try VectorDatabase(directory: URL(fileURLWithPath: o.string("dir")))
        let collection = try db.collection(named: o.string("name"))
        let opened = clock.now
        _ = try collection.query(vector: queries.row(0), k: k, where: filter)
        let first = clock.now
        var latencies: [Double] = []
        var cpu: [Double] = []
        var results: [[Int]] = []
        for i in 0..<queries.rows {
            let q = queries.row(i)
            let c = BenchSupport.processCPUTime()
            let s = clock.now
            let hits = try collection.query(vector: q, k: k, where: filter)
            latencies.append(BenchSupport.seconds(clock.now - s))
            cpu.append(BenchSupport.processCPUTime() - c)
            results.append(hits.map { Int($0.id.dropFirst()) ?? -1 })
        }
        if let out = o.optional("out") { try BenchSupport.writeJSON(results, to: out) }
        var report: [String: Any] = BenchSupport.summary(latencies, cpu: cpu)
        report["load_queries_s"] = BenchSupport.seconds(loaded - t0)
        report["open_s"] = BenchSupport.seconds(opened - loaded)
        report["first_query_s"] = BenchSupport.seconds(first - opened)
        report["peak_rss"] = BenchSupport.peakRSS()
        try BenchSupport.emit(report)
    }

    /// The cold path alone: open the store and answer one query, nothing else.
    static func cold(_ o: Options) throws {
        let queries = try NPYFile(path: o.string("queries"))
        let db = try VectorDatabase(directory: URL(fileURLWithPath: o.string("dir")))
        let collection = try db.collection(named: o.string("name"))
        let hits = try collection.query(vector: queries.row(0), k: try o.int("k", default: 10))
        try BenchSupport.emit(["hits": hits.count, "peak_rss": BenchSupport.peakRSS()])
    }
}
