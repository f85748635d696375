import Foundation
import MetricsPush
import Observability
import Providers
import VectorStore

/// Writes the people- and monitoring-facing files of a run next to `report.json`:
/// `report.html` (``HTMLReportRenderer``) and `metrics.prom` (Prometheus text format), and pushes
/// the metrics to a Pushgateway when one is configured.
public enum RunArtifacts {
    /// Where the files went.
    public struct Written: Sendable {
        public var html: URL
        public var metrics: URL
    }

    /// Builds and writes both files.
    /// - Parameters:
    ///   - dataDirectory: the store, used to show the text of the retrieved examples (optional;
    ///     a store that cannot be opened only leaves the texts out).
    /// - Throws: I/O errors writing the files.
    @discardableResult
    public static func write(report: RunReport, layout: RunLayout, input: PreparedInput?,
                             dataDirectory: URL? = nil) throws -> Written {
        let rows = outputRows(layout: layout)
        let examples = dataDirectory.map { exampleTexts(dataDirectory: $0) } ?? [:]
        let page = reviewPage(report: report, rows: rows, input: input, examples: examples)
        let htmlURL = layout.root.appendingPathComponent("report.html")
        try DurableFile.publish(Data(HTMLReportRenderer.render(page).utf8), to: htmlURL)
        let metricsURL = layout.root.appendingPathComponent("metrics.prom")
        try metrics(report: report, rows: rows).write(to: metricsURL)
        return Written(html: htmlURL, metrics: metricsURL)
    }

    /// Pushes `metrics(report:rows:)` for this run (grouped by run id) to a Pushgateway.
    public static func push(report: RunReport, layout: RunLayout, to gateway: URL) async throws {
        let registry = metrics(report: report, rows: outputRows(layout: layout))
        try await Pushgateway(baseURL: gateway, grouping: ["run_id": report.runID]).push(registry)
    }

    /// Every output row of the run: the per-category files, or the shard files when a category
    /// has not been merged yet.
    public static func outputRows(layout: RunLayout) -> [OutputRow] {
        let decoder = JSONDecoder()
        var rows: [OutputRow] = []
        let files = (try? FileManager.default.contentsOfDirectory(atPath: layout.root.path)) ?? []
        for category in ShopCategory.allCases {
            let merged = layout.output(category).lastPathComponent
            let names = files.contains(merged) ? [merged]
                : files.filter { $0.hasPrefix(category.rawValue + ".") && $0.hasSuffix(".jsonl") }.sorted()
            for name in names {
                guard let text = try? String(contentsOf: layout.root.appendingPathComponent(name), encoding: .utf8)
                else { continue }
                for line in text.split(separator: "\n") {
                    if let row = try? decoder.decode(OutputRow.self, from: Data(line.utf8)) { rows.append(row) }
                }
            }
        }
        return rows
    }

    /// Example id → summary text, from every `<category>_examples` collection.
    static func exampleTexts(dataDirectory: URL) -> [String: String] {
        guard FileManager.default.fileExists(atPath: dataDirectory.path),
              let database = try? VectorDatabase(directory: dataDirectory, createIfMissing: false) else { return [:] }
        var texts: [String: String] = [:]
        for category in ShopCategory.allCases {
            guard let collection = try? database.collection(named: category.examplesCollection),
                  let records = try? collection.get() else { continue }
            for record in records { texts[record.id] = record.document ?? "" }
        }
        return texts
    }

    static func reviewPage(report: RunReport, rows: [OutputRow], input: PreparedInput?,
                           examples: [String: String]) -> ReviewPage {
        var reviews: [String: [String]] = [:]
        for shop in input?.input.shops ?? [] { reviews[shop.id] = shop.reviews.map(\.text) }
        var totals: [String: ReviewPage.CategoryTotals] = [:]
        for category in report.categories.values {
            var entry = totals[category.category] ?? .init(category: category.category, written: 0, failed: 0, skipped: 0)
            entry.written += category.ok
            entry.failed += category.failed
            entry.skipped += category.notStarted + category.abandoned
            entry.promptTokens += category.tokens.promptTokens
            entry.outputTokens += category.tokens.outputTokens + category.tokens.thoughtsTokens
            totals[category.category] = entry
        }
        let shopRows = rows.map { row in
            ReviewPage.ShopRow(
                shopID: row.shopID, name: row.name, category: row.category, status: row.status.rawValue,
                summary: row.summary ?? "", highlights: row.highlights, failureReason: row.error,
                examples: row.exampleIDs.map { ReviewPage.ExampleRef(id: $0, text: examples[$0] ?? "") },
                reviews: reviews[row.shopID] ?? [], latencyMilliseconds: Double(row.durationMS))
        }
        let generators = Set(report.categories.values.map(\.generator)).sorted().joined(separator: ", ")
        let embedders = Set(report.categories.values.map(\.embedder)).sorted().joined(separator: ", ")
        var notes: [String] = []
        if generators.contains("offline/") {
            notes.append("Summaries written by the offline extractive generator (no LLM credentials were configured).")
        }
        if report.categories.values.contains(where: \.interrupted) {
            notes.append("This run was interrupted; re-running with the same --run-id completes it.")
        }
        return ReviewPage(
            runID: report.runID, generatedAt: Date(), generator: generators.isEmpty ? "–" : generators,
            embedder: embedders.isEmpty ? "–" : embedders, notes: notes,
            categories: totals.values.sorted { $0.category < $1.category },
            skippedRows: (input?.input.issues ?? []).map(\.description),
            shops: shopRows.sorted { ($0.category, $0.name) < ($1.category, $1.name) },
            sections: stepSection(report))
    }

    private static func stepSection(_ report: RunReport) -> [ReviewPage.Section] {
        guard !report.steps.isEmpty else { return [] }
        let rows = report.steps.map {
            [$0.name, $0.status, "attempts \($0.attempts)", String(format: "%.1f s", $0.durationSeconds), $0.error ?? ""]
        }
        return [ReviewPage.Section(title: "Steps", rows: rows)]
    }

    /// The run's metrics: shops by category and outcome, calls, tokens, latency histogram,
    /// step durations and attempts.
    public static func metrics(report: RunReport, rows: [OutputRow]) -> MetricsRegistry {
        let registry = MetricsRegistry()
        registry.register("shop_summary_shops_total", kind: .counter,
                          help: "Shops by category and outcome (ok, failed, resumed, not_started).")
        registry.register("shop_summary_llm_calls_total", kind: .counter, help: "Generation calls made.")
        registry.register("shop_summary_embedding_calls_total", kind: .counter, help: "Embedding calls made.")
        registry.register("shop_summary_tokens_total", kind: .counter, help: "Tokens by category and kind.")
        registry.register("shop_summary_shop_latency_seconds", kind: .histogram,
                          help: "Time to summarise one shop (retrieval, generation, validation).")
        registry.register("shop_summary_input_rows_skipped", kind: .gauge, help: "Input rows skipped as invalid.")
        registry.register("shop_summary_step_duration_seconds", kind: .gauge, help: "Duration of each run step.")
        registry.register("shop_summary_step_attempts", kind: .gauge, help: "Attempts of each run step.")
        registry.register("shop_summary_step_success", kind: .gauge, help: "1 when the step finally succeeded.")
        for category in report.categories.values {
            let labels = ["category": category.category, "shard": category.shard]
            for (outcome, value) in [("ok", category.ok), ("failed", category.failed), ("resumed", category.resumed),
                                     ("not_started", category.notStarted + category.abandoned)] {
                registry.increment("shop_summary_shops_total", labels: labels.merging(["outcome": outcome]) { $1 },
                                   by: Double(value))
            }
            registry.increment("shop_summary_llm_calls_total", labels: labels, by: Double(category.generationCalls))
            registry.increment("shop_summary_embedding_calls_total", labels: labels, by: Double(category.embeddingCalls))
            for (kind, value) in [("prompt", category.tokens.promptTokens), ("output", category.tokens.outputTokens),
                                  ("thoughts", category.tokens.thoughtsTokens)] {
                registry.increment("shop_summary_tokens_total", labels: labels.merging(["kind": kind]) { $1 },
                                   by: Double(value))
            }
        }
        for row in rows {
            registry.observe("shop_summary_shop_latency_seconds", labels: ["category": row.category],
                             Double(row.durationMS) / 1000)
        }
        registry.set("shop_summary_input_rows_skipped", to: Double(report.input?.skippedRows ?? 0))
        for step in report.steps {
            registry.set("shop_summary_step_duration_seconds", labels: ["step": step.name], to: step.durationSeconds)
            registry.set("shop_summary_step_attempts", labels: ["step": step.name], to: Double(step.attempts))
            registry.set("shop_summary_step_success", labels: ["step": step.name], to: step.status == "ok" ? 1 : 0)
        }
        return registry
    }
}
