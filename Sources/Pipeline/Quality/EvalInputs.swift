import Foundation
import Providers

/// File inputs of `eval`: curated example files and existing run directories.
public enum EvalInputs {
    /// Reads an examples JSON Lines file (`ExampleSummary` per line, `shop_name` spelling).
    /// - Throws: `PipelineError` naming the file and line of a bad row.
    public static func readExamples(at url: URL) throws -> [ExampleSummary] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PipelineError.missingInput(path: url.path, what: "examples file")
        }
        let decoder = JSONDecoder()
        var out: [ExampleSummary] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            do {
                out.append(try decoder.decode(ExampleSummary.self, from: Data(trimmed.utf8)))
            } catch {
                throw PipelineError.badInput(path: url.path, line: index + 1, reason: "not an example summary (\(error))")
            }
        }
        return out
    }

    /// One output row of an existing run, read leniently.
    public struct RunRow: Sendable {
        public var shopID: String
        public var category: ShopCategory?
        public var output: SummaryOutput?
        public var failureReason: String?
        public var exampleIDs: [String]
        public var usedFallback: Bool
        public var promptVersion: String?
        public var generator: String?
    }

    /// Reads every `*.jsonl` in a run directory (`<output>/<run-id>/<category>.jsonl`). Rows need
    /// `shop_id` (or `id`); a row without `summary` (or with `status` ≠ `ok`) is a failure row.
    /// - Throws: `PipelineError` naming the file and line of an unreadable row.
    public static func readRun(at directory: URL) throws -> [RunRow] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else {
            throw PipelineError.missingInput(path: directory.path, what: "run directory")
        }
        var rows: [RunRow] = []
        for name in names.sorted() where name.hasSuffix(".jsonl") {
            let url = directory.appendingPathComponent(name)
            let text = String(decoding: fm.contents(atPath: url.path) ?? Data(), as: UTF8.self)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                guard let obj = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    throw PipelineError.badInput(path: url.path, line: index + 1, reason: "not a JSON object")
                }
                guard let id = (obj["shop_id"] ?? obj["id"]).map({ "\($0)" }) else {
                    throw PipelineError.badInput(path: url.path, line: index + 1, reason: "field 'shop_id' is missing")
                }
                let status = obj["status"] as? String
                let summary = obj["summary"] as? String
                let ok = summary != nil && !(summary ?? "").isEmpty && (status == nil || status == "ok" || status == "success")
                let output = ok ? SummaryOutput(summary: summary ?? "", highlights: obj["highlights"] as? [String] ?? [],
                                                keywords: obj["keywords"] as? [String] ?? []) : nil
                let reason = (obj["failure_reason"] ?? obj["error"] ?? obj["reason"]).map { "\($0)" }
                let provider = obj["provider"] as? String
                let model = obj["model"] as? String
                rows.append(RunRow(shopID: id, category: (obj["category"] as? String).flatMap(ShopCategory.init(name:)),
                                   output: output, failureReason: ok ? nil : (reason ?? "no summary"),
                                   exampleIDs: obj["example_ids"] as? [String] ?? [],
                                   usedFallback: obj["examples_fallback"] as? Bool ?? obj["example_fallback"] as? Bool ?? false,
                                   promptVersion: obj["prompt_version"] as? String,
                                   generator: provider.map { p in model.map { "\(p)/\($0)" } ?? p }))
            }
        }
        return rows
    }
}
