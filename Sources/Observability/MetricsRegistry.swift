import Foundation
import Synchronization

/// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition
/// format (version 0.0.4). Thread-safe; one registry per process run, passed to whoever records.
public final class MetricsRegistry: Sendable {
    /// Metric kinds in the exposition format.
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    struct Family: Sendable {
        var kind: Kind
        var help: String
        var buckets: [Double]
        var samples: [[String: String]: Sample] = [:]
    }

    struct Sample: Sendable {
        var value: Double = 0
        var bucketCounts: [Double] = []
        var sum: Double = 0
        var count: Double = 0
    }

    /// Default latency buckets in seconds.
    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    private let families = Mutex<[String: Family]>([:])

    public init() {}

    /// Declares a metric (idempotent). Names must match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public func register(_ name: String, kind: Kind, help: String, buckets: [Double] = MetricsRegistry.latencyBuckets) {
        families.withLock { all in
            if all[name] == nil { all[name] = Family(kind: kind, help: help, buckets: buckets.sorted()) }
        }
    }

    /// Adds `amount` (≥ 0) to a counter.
    public func increment(_ name: String, labels: [String: String] = [:], by amount: Double = 1) {
        update(name, kind: .counter, labels: labels) { sample, _ in sample.value += max(0, amount) }
    }

    /// Sets a gauge.
    public func set(_ name: String, labels: [String: String] = [:], to value: Double) {
        update(name, kind: .gauge, labels: labels) { sample, _ in sample.value = value }
    }

    /// Records one observation in a histogram.
    public func observe(_ name: String, labels: [String: String] = [:], _ value: Double) {
        update(name, kind: .histogram, labels: labels) { sample, buckets in
            if sample.bucketCounts.isEmpty { sample.bucketCounts = Array(repeating: 0, count: buckets.count) }
            for (index, bound) in buckets.enumerated() where value <= bound { sample.bucketCounts[index] += 1 }
            sample.sum += value
            sample.count += 1
        }
    }

    /// Current value of a counter or gauge (tests and reports).
    public func value(_ name: String, labels: [String: String] = [:]) -> Double? {
        families.withLock { $0[name]?.samples[labels]?.value }
    }

    private func update(_ name: String, kind: Kind, labels: [String: String],
                        _ body: (inout Sample, [Double]) -> Void) {
        families.withLock { all in
            var family = all[name] ?? Family(kind: kind, help: name, buckets: Self.latencyBuckets)
            var sample = family.samples[labels] ?? Sample()
            body(&sample, family.buckets)
            family.samples[labels] = sample
            all[name] = family
        }
    }

    /// The whole registry in Prometheus text format, families and samples sorted for stable output.
    public func render() -> String {
        let snapshot = families.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            guard let family = snapshot[name] else { continue }
            out += "# HELP \(name) \(escapeHelp(family.help))\n# TYPE \(name) \(family.kind.rawValue)\n"
            let ordered = family.samples.sorted { labelText($0.key) < labelText($1.key) }
            for (labels, sample) in ordered {
                switch family.kind {
                case .counter, .gauge:
                    out += "\(name)\(labelText(labels)) \(number(sample.value))\n"
                case .histogram:
                    for (index, bound) in family.buckets.enumerated() {
                        let count = index < sample.bucketCounts.count ? sample.bucketCounts[index] : 0
                        out += "\(name)_bucket\(labelText(labels, extra: ("le", number(bound)))) \(number(count))\n"
                    }
                    out += "\(name)_bucket\(labelText(labels, extra: ("le", "+Inf"))) \(number(sample.count))\n"
                    out += "\(name)_sum\(labelText(labels)) \(number(sample.sum))\n"
                    out += "\(name)_count\(labelText(labels)) \(number(sample.count))\n"
                }
            }
        }
        return out
    }

    /// Writes `render()` to `url` atomically (temp file, fsync, rename) for node-exporter's
    /// textfile collector or for the run folder.
    public func write(to url: URL) throws {
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let data = Data(render().utf8)
        try data.write(to: temp)
        let handle = try FileHandle(forWritingTo: temp)
        try handle.synchronize()
        try handle.close()
        if rename(temp.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                                                          NSLocalizedDescriptionKey: "rename failed: errno \(code)"])
        }
    }

    private func labelText(_ labels: [String: String], extra: (String, String)? = nil) -> String {
        var pairs = labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let extra { pairs.append(extra) }
        if pairs.isEmpty { return "" }
        return "{" + pairs.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
    }

    private func escapeLabel(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    private func number(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
