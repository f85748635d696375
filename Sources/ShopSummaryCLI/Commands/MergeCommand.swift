import Foundation
import Pipeline

/// `shop-summary merge`: combine shard outputs per category and check completeness.
struct MergeCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["merge"], abstract: "Combine shard outputs into one file per category and check completeness.",
        discussion: """
        For each category, reads <category>.shard-*-of-N.jsonl (or <category>.jsonl when unsharded), writes
        <category>.jsonl in input order, and checks that every valid input shop of the category has exactly one
        row. Missing or duplicate shops are listed and the exit code is 1. Also writes report.json.
        """,
        options: [
            PipelineOptions.input, PipelineOptions.mapping, PipelineOptions.rules, PipelineOptions.output,
            PipelineOptions.runID, PipelineOptions.dataDir, PipelineOptions.pushgateway,
            OptionSpec("--category", .repeated(placeholder: "NAME"), help: "Only these categories (default all)"),
        ])

    let arguments: ParsedArguments
    let runID: String
    let categories: [ShopCategory]

    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        runID = try PipelineOptions.runID(arguments)
        let names = arguments.values("--category")
        categories = try names.isEmpty ? ShopCategory.allCases : names.map { name in
            guard let category = ShopCategory(name: name) else {
                throw UsageError(command: "merge", message: "unknown category '\(name)'")
            }
            return category
        }
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let input = try PreparedInput.load(input: PipelineOptions.url(try arguments.require("--input")),
                                           mapping: PipelineOptions.loadMapping(arguments.value("--mapping")),
                                           rules: PipelineOptions.loadRules(arguments.value("--rules")),
                                           logger: context.logger)
        let layout = try RunLayout(outputDirectory: PipelineOptions.url(arguments.value("--output") ?? PipelineOptions.defaultOutput),
                                   runID: runID)
        let results = try ShardMerger.merge(layout: layout, input: input, categories: categories)
        let report = try ShardMerger.writeRunReport(
            layout: layout, input: input,
            dataDirectory: PipelineOptions.url(arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir))
        await PipelineOptions.pushMetrics(arguments, report: report, layout: layout, context: context)
        context.print("report: \(layout.report.path) (review page report.html, metrics metrics.prom beside it)")
        return Self.print(results, context: context) ? ExitCode.success : ExitCode.failure
    }

    /// Prints one line per category (and the problems); returns whether all are complete.
    static func print(_ results: [ShardMerger.CategoryResult], context: CommandContext) -> Bool {
        var complete = true
        for result in results {
            let shards = result.shardFiles.isEmpty ? "" : " from \(result.shardFiles.count) shard files"
            context.print("\(result.category): \(result.rows)/\(result.expected) shops\(shards) "
                + "(\(result.ok) ok, \(result.failed) failed) → \(result.output)")
            if !result.missing.isEmpty {
                complete = false
                context.print("  missing \(result.missing.count): \(result.missing.prefix(20).joined(separator: ", "))"
                    + (result.missing.count > 20 ? " …" : ""))
            }
            if !result.duplicates.isEmpty {
                complete = false
                context.print("  duplicated \(result.duplicates.count): \(result.duplicates.prefix(20).joined(separator: ", "))")
            }
            if !result.unexpected.isEmpty {
                context.print("  not in this category of the input: \(result.unexpected.prefix(20).joined(separator: ", "))")
            }
        }
        return complete
    }
}
