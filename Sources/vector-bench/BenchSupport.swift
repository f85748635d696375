import Foundation

/// Timing, memory and output helpers for the benchmark executable.
enum BenchSupport {
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// CPU time used by the whole process so far, in seconds (all threads). Robust against
    /// other processes competing for the cores, unlike wall-clock latency.
    static func processCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Peak resident set size in bytes (VmHWM from /proc/self/status; 0 elsewhere).
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }

    /// Latency summary in milliseconds.
    static func summary(_ latencies: [Double], cpu: [Double] = []) -> [String: Double] {
        guard !latencies.isEmpty else { return [:] }
        func pct(_ values: [Double], _ p: Double) -> Double {
            let s = values.sorted()
            return s[min(s.count - 1, Int((p * Double(s.count - 1)).rounded()))] * 1000
        }
        let total = latencies.reduce(0, +)
        var out = ["p50_ms": pct(latencies, 0.5), "p99_ms": pct(latencies, 0.99), "qps": Double(latencies.count) / total]
        if !cpu.isEmpty { out["cpu_p50_ms"] = pct(cpu, 0.5) }
        return out
    }

    /// Prints one JSON object on stdout.
    static func emit(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func writeJSON(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// `--name value` style options.
struct Options {
    private var values: [String: String] = [:]

    init(_ args: ArraySlice<String>) throws {
        var it = args.makeIterator()
        while let a = it.next() {
            guard a.hasPrefix("--") else { throw BenchError("unexpected argument \(a)") }
            guard let v = it.next() else { throw BenchError("\(a) needs a value") }
            values[String(a.dropFirst(2))] = v
        }
    }

    func string(_ key: String) throws -> String {
        guard let v = values[key] else { throw BenchError("missing --\(key)") }
        return v
    }

    func optional(_ key: String) -> String? { values[key] }

    func int(_ key: String, default d: Int) throws -> Int {
        guard let v = values[key] else { return d }
        guard let i = Int(v) else { throw BenchError("--\(key) must be an integer") }
        return i
    }

    func ints(_ key: String, default d: [Int]) throws -> [Int] {
        guard let v = values[key] else { return d }
        return try v.split(separator: ",").map {
            guard let i = Int($0) else { throw BenchError("--\(key) must be integers") }
            return i
        }
    }
}
