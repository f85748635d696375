import Foundation
import VectorIndex

/// Index-level microbenchmarks: `HNSWIndex` and `FlatIndex` without the store around them.
enum IndexBench {
    static func run(_ o: Options) throws {
        let vectors = try NPYFile(path: o.string("vectors"))
        let queries = try NPYFile(path: o.string("queries"))
        let k = try o.int("k", default: 10)
        let m = try o.int("m", default: 16)
        let efc = try o.int("efc", default: 200)
        let efs = try o.ints("ef", default: [64, 128, 256])
        let filterMod = try o.int("filter-mod", default: 0)
        let clock = ContinuousClock()
        var report: [String: Any] = ["rows": vectors.rows, "dimension": vectors.columns]

        // Exact scan (rows normalised once, as the store does for cosine).
        var rows = vectors.values
        if o.optional("huge-pages") != "0" { rows = HugePages.advisedCopy(rows) }
        rows.withUnsafeMutableBufferPointer { VectorMath.normalizeRows($0, dimension: vectors.columns) }
        var exactLat: [Double] = []
        var exactCPU: [Double] = []
        var exactResults: [[Int]] = []
        try rows.withUnsafeBufferPointer { buf in
            for i in 0..<queries.rows {
                let c = BenchSupport.processCPUTime()
                let s = clock.now
                let hits = try FlatIndex.search(query: queries.row(i), rows: buf, dimension: vectors.columns, metric: .cosine, k: k)
                exactLat.append(BenchSupport.seconds(clock.now - s))
                exactCPU.append(BenchSupport.processCPUTime() - c)
                exactResults.append(hits.map { Int($0.id) })
            }
        }
        report["exact"] = BenchSupport.summary(exactLat, cpu: exactCPU)
        report["quantized"] = try quantizedExact(rows, dimension: vectors.columns, queries: queries, k: k)
        report["projected"] = try projectedExact(rows, dimension: vectors.columns, queries: queries, k: k)
        // Memory-bandwidth bound for one scan: bytes / time of a plain sum over the same bytes,
        // timed per pass and summarised by the median, the same statistic as the scans' p50.
        var passTimes: [Double] = []
        var checksum: Float = 0
        for _ in 0..<9 {
            let passStart = clock.now
            rows.withUnsafeBufferPointer { buf in
                let raw = UnsafeRawBufferPointer(buf)
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                var off = 0
                while off + 256 <= raw.count {
                    a0 += raw.loadUnaligned(fromByteOffset: off, as: SIMD16<Float>.self)
                    a1 += raw.loadUnaligned(fromByteOffset: off + 64, as: SIMD16<Float>.self)
                    a2 += raw.loadUnaligned(fromByteOffset: off + 128, as: SIMD16<Float>.self)
                    a3 += raw.loadUnaligned(fromByteOffset: off + 192, as: SIMD16<Float>.self)
                    off += 256
                }
                checksum += ((a0 + a1) + (a2 + a3)).sum()
            }
            passTimes.append(BenchSupport.seconds(clock.now - passStart))
        }
        let sumTime = passTimes.sorted()[passTimes.count / 2]
        report["bandwidth_gbps"] = Double(rows.count * 4) / sumTime / 1e9
        report["bandwidth_bound_ms"] = sumTime * 1000
        report["bandwidth_best_ms"] = (passTimes.min() ?? sumTime) * 1000
        report["checksum"] = Double(checksum.isFinite ? 0 : 1)

        if o.optional("no-hnsw") == "1" {
            report["peak_rss"] = BenchSupport.peakRSS()
            try BenchSupport.emit(report)
            return
        }
        let buildCPU = BenchSupport.processCPUTime()
        let buildStart = clock.now
        var index = HNSWIndex(dimension: vectors.columns, metric: .cosine,
                              configuration: .init(m: m, efConstruction: efc, efSearch: 64, seed: 100))
        try vectors.values.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0) }
        report["build_s"] = BenchSupport.seconds(clock.now - buildStart)
        report["build_cpu_s"] = BenchSupport.processCPUTime() - buildCPU
        report["index_bytes"] = index.serialized(includeVectors: false).count
        var perEf: [String: Any] = [:]
        var resultsByEf: [String: [[Int]]] = [:]
        let filter: ((Int32) -> Bool)? = filterMod > 0 ? { $0 % Int32(filterMod) == 0 } : nil
        for ef in efs {
            var lat: [Double] = []
            var cpu: [Double] = []
            var res: [[Int]] = []
            for i in 0..<queries.rows {
                let q = queries.row(i)
                let c = BenchSupport.processCPUTime()
                let s = clock.now
                let hits = try index.search(q, k: k, ef: ef, filter: filter)
                lat.append(BenchSupport.seconds(clock.now - s))
                cpu.append(BenchSupport.processCPUTime() - c)
                res.append(hits.map { Int($0.id) })
            }
            perEf["\(ef)"] = BenchSupport.summary(lat, cpu: cpu)
            resultsByEf["\(ef)"] = res
        }
        report["hnsw"] = perEf
        report["peak_rss"] = BenchSupport.peakRSS()
        if let out = o.optional("out") {
            try BenchSupport.writeJSON(["exact": exactResults, "hnsw": resultsByEf] as [String: Any], to: out)
        }
        try BenchSupport.emit(report)
    }

    /// The store's exact method for segments up to 16 Mi components: the quantised scan plus a
    /// full-precision re-score of its candidates, best bound first (rows already normalised).
    static func quantizedExact(_ rows: [Float], dimension: Int, queries: NPYFile, k: Int) throws -> [String: Any] {
        let clock = ContinuousClock()
        let buildStart = clock.now
        let codes = rows.withUnsafeBufferPointer {
            QuantizedRows(rows: $0.baseAddress!, rowCount: rows.count / dimension, dimension: dimension, normalize: false)
        }
        let build = BenchSupport.seconds(clock.now - buildStart)
        var summary = rescored(rows, dimension: dimension, queries: queries, k: k) { codes.candidates(query: $0, k: k) }
        summary["build_s"] = build
        summary["code_bytes"] = codes.codeBytes
        return summary
    }

    /// The store's exact method for large low-rank segments: ``ProjectedRows`` (fitted here, as
    /// the store fits it when it writes the segment) plus the same re-score.
    static func projectedExact(_ rows: [Float], dimension: Int, queries: NPYFile, k: Int) throws -> [String: Any] {
        let clock = ContinuousClock()
        let buildStart = clock.now
        let index = rows.withUnsafeBufferPointer {
            ProjectedRows.build(rows: $0.baseAddress!, rowCount: rows.count / dimension, dimension: dimension, normalize: false)
        }
        let build = BenchSupport.seconds(clock.now - buildStart)
        guard let index else { return ["skipped": "rows are not low-rank enough", "build_s": build] }
        var summary = rescored(rows, dimension: dimension, queries: queries, k: k) { index.candidates(query: $0, k: k) }
        summary["build_s"] = build
        summary["code_bytes"] = index.memoryBytes
        summary["rank"] = index.rank
        return summary
    }

    /// Latency of re-scoring `candidates` best bound first until no candidate can enter the top k.
    static func rescored(_ rows: [Float], dimension: Int, queries: NPYFile, k: Int,
                         candidates: (UnsafeBufferPointer<Float>) -> CandidateQueue) -> [String: Any] {
        let clock = ContinuousClock()
        var lat: [Double] = []
        var cpu: [Double] = []
        var results: [[Int]] = []
        var scored = 0
        rows.withUnsafeBufferPointer { buf in
            for i in 0..<queries.rows {
                let q = VectorMath.normalized(queries.row(i))
                let c = BenchSupport.processCPUTime()
                let s = clock.now
                var top: [(Float, Int)] = []
                q.withUnsafeBufferPointer { qb in
                    for cand in candidates(qb) {
                        if top.count == k, Float(cand.scoreBound) < top[k - 1].0 { break }
                        scored += 1
                        let score = DistanceKernels.dot(qb.baseAddress!, buf.baseAddress! + Int(cand.row) * dimension, count: dimension)
                        top.append((score, Int(cand.row)))
                        top.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
                        if top.count > k { top.removeLast() }
                    }
                }
                lat.append(BenchSupport.seconds(clock.now - s))
                cpu.append(BenchSupport.processCPUTime() - c)
                results.append(top.map(\.1))
            }
        }
        var summary: [String: Any] = BenchSupport.summary(lat, cpu: cpu)
        summary["rescored_per_query"] = Double(scored) / Double(max(queries.rows, 1))
        summary["results"] = results
        return summary
    }
}
