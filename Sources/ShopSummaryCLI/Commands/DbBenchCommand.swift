import Foundation
import VectorStore

/// `shop-summary db bench`: times open + first query and repeated queries against a collection
/// (query vectors are stored rows, perturbed). For measuring the store, not for production use.
struct DbBenchCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "bench"], abstract: "Time open, first query and repeated top-k queries on a collection.",
        options: [DbSupport.dataDir, DbSupport.collection,
                  OptionSpec("--queries", .value(placeholder: "N"), help: "Timed queries.", default: "1000"),
                  OptionSpec("-k", .value(placeholder: "N"), help: "Results per query.", default: "10"),
                  OptionSpec("--where", .value(placeholder: "JSON"), help: "Metadata filter for every query."),
                  DbSupport.json])

    let arguments: ParsedArguments
    let queries: Int
    let k: Int
    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        queries = try arguments.int("--queries", in: 1...10_000_000) ?? 1000
        k = try arguments.int("-k", in: 1...10_000) ?? 10
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let filter = try arguments.value("--where").map { try MetadataFilter(json: $0) }
        let t0 = Self.now()
        let db = try DbSupport.open(arguments, environment: context.environment)
        let c = try db.collection(named: try arguments.require("--collection"))
        let probe = [Float](repeating: 0.01, count: c.dimension)
        _ = try c.query(vector: probe, k: k, where: filter)
        let cold = Self.now() - t0
        var samples = try c.peek(limit: 256).map(\.vector)
        if samples.isEmpty { samples = [probe] }
        var rng = SystemRandomNumberGenerator()
        let qs = (0..<min(queries, 512)).map { i in samples[i % samples.count].map { $0 + Float.random(in: -0.05...0.05, using: &rng) } }
        var times: [Double] = []
        times.reserveCapacity(queries)
        let start = Self.now()
        for i in 0..<queries {
            let a = Self.now()
            _ = try c.query(vector: qs[i % qs.count], k: k, where: filter)
            times.append(Self.now() - a)
        }
        let total = Self.now() - start
        times.sort()
        let p50 = times[times.count / 2] * 1e6, p99 = times[min(times.count - 1, times.count * 99 / 100)] * 1e6
        let qps = Double(queries) / total
        let count = try c.count()
        if arguments.flag("--json") {
            context.print(#"{"rows":\#(count),"dimension":\#(c.dimension),"coldOpenFirstQueryMs":\#(cold * 1e3),"p50Us":\#(p50),"p99Us":\#(p99),"qps":\#(qps)}"#)
        } else {
            context.print(String(format: "rows=%d dim=%d cold_open_first_query_ms=%.3f p50_us=%.1f p99_us=%.1f qps=%.0f",
                                 count, c.dimension, cold * 1e3, p50, p99, qps))
        }
        return ExitCode.success
    }
}
