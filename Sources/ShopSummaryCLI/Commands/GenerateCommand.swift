import Foundation
import Observability
import Pipeline
import Providers

/// `shop-summary generate`: one category (optionally one shard) of a run, resumable by run id.
struct GenerateCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["generate"], abstract: "Summarise the shops of one category (resumable; --shard for parallel pods).",
        discussion: """
        Reads the input, decides categories, selects the category (and shard), then for each shop not yet done
        in this run's ledger: embed → retrieve examples → prompt → generate → ledger. Writes
        <output>/<run-id>/<category>[.shard-i-of-n].jsonl and reports/. SIGTERM/SIGINT: no new shops, in-flight
        ones get --grace-seconds, then exit 75; re-running with the same --run-id resumes.
        """,
        options: [
            OptionSpec("--category", .value(placeholder: "NAME"),
                       help: ShopCategory.allCases.map(\.rawValue).joined(separator: "|"), required: true),
            PipelineOptions.input, PipelineOptions.mapping, PipelineOptions.rules, PipelineOptions.dataDir,
            PipelineOptions.output, PipelineOptions.runID,
            OptionSpec("--shard", .value(placeholder: "I/N"), help: "Process shard I of N (1-based), e.g. 2/4"),
            PipelineOptions.concurrency, PipelineOptions.grace, PipelineOptions.topK, PipelineOptions.prompts,
            PipelineOptions.maxFailureRatio, PipelineOptions.pushgateway,
            OptionSpec("--batch", .flag, help: "Gemini Batch API (50 % price, up to 24 h): one job for the category; "
                       + "the job name is kept beside the ledger and a re-run resumes polling (needs --llm gemini)"),
        ] + PipelineOptions.providerSpecs)

    let arguments: ParsedArguments
    let category: ShopCategory
    let shard: ShardSpec
    let runID: String
    let tuning: RunTuning

    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        let name = try arguments.require("--category")
        guard let category = ShopCategory(name: name) else {
            throw UsageError(command: "generate", message: "unknown category '\(name)' (known: "
                + ShopCategory.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        self.category = category
        do { shard = try arguments.value("--shard").map(ShardSpec.init(parsing:)) ?? .all } catch let error as PipelineError {
            throw UsageError(command: "generate", message: error.message)
        }
        runID = try PipelineOptions.runID(arguments)
        tuning = try RunTuning(arguments)
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        ShutdownSignal.install()
        let logger = context.logger.with(["run.id": .string(runID)])
        let providers = try ProviderSelection.make(arguments, environment: context.environment, logger: logger)
        let input = try PreparedInput.load(input: PipelineOptions.url(try arguments.require("--input")),
                                           mapping: PipelineOptions.loadMapping(arguments.value("--mapping")),
                                           rules: PipelineOptions.loadRules(arguments.value("--rules")), logger: logger)
        let database = try PipelineOptions.openDatabase(arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir,
                                                        logger: logger, create: false)
        let retriever = try ExampleLibrary(database: database, embedder: providers.embedder).retriever(for: [category], k: tuning.topK)
        let layout = try RunLayout(outputDirectory: PipelineOptions.url(arguments.value("--output") ?? PipelineOptions.defaultOutput),
                                   runID: runID)
        let configuration = tuning.configuration
        let prompts = try PromptBuilder(configuration: .init(directory: arguments.value("--prompts").map(PipelineOptions.url)))
        var generator = providers.generator
        if arguments.flag("--batch") {
            generator = try await batchResults(providers: providers, input: input, retriever: retriever,
                                               prompts: PromptStage(builder: prompts), layout: layout, logger: logger,
                                               context: context)
        }
        let runner = BatchRunner(embedder: providers.embedder, generator: generator, retriever: retriever,
                                 prompts: PromptStage(builder: prompts), configuration: configuration, logger: logger)
        let report = try await runner.run(shops: input.shops(in: category, shard: shard), decisions: input.decisions,
                                          category: category, shard: shard, layout: layout)
        let runReport = try ShardMerger.writeRunReport(
            layout: layout, input: input,
            dataDirectory: PipelineOptions.url(arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir))
        await PipelineOptions.pushMetrics(arguments, report: runReport, layout: layout, context: context)
        context.print("\(category.rawValue) \(shard.count > 1 ? "shard \(shard) " : ""): \(report.ok) ok, "
            + "\(report.failed) failed, \(report.resumed) resumed, \(report.notStarted + report.abandoned) left; "
            + "\(input.input.issues.count) input rows skipped")
        context.print("output: \(report.output)")
        context.print("report: \(layout.report.path)")
        return Self.exitCode(report, maxFailureRatio: tuning.maxFailureRatio, context: context)
    }

    /// Submits (or resumes) the category's batch job and returns a generator serving its results.
    private func batchResults(providers: ProviderSelection, input: PreparedInput, retriever: any ExampleRetriever,
                              prompts: PromptStage, layout: RunLayout, logger: Logger,
                              context: CommandContext) async throws -> any Generator {
        guard let batch = providers.batchGenerator else {
            throw UsageError(command: "generate", message: "--batch needs --llm gemini (the Gemini Batch API)")
        }
        let requests = try await BatchMode.requests(
            shops: input.shops(in: category, shard: shard), decisions: input.decisions, category: category, shard: shard,
            layout: layout, embedder: providers.embedder, retriever: retriever, prompts: prompts, topK: tuning.topK)
        guard !requests.isEmpty else { return providers.generator }
        let existing = BatchMode.loadJob(layout: layout, category: category, shard: shard)
        let (category, shard) = (self.category, self.shard)
        context.print(existing.map { "resuming batch job \($0)" } ?? "submitting \(requests.count) requests as one batch job")
        let (job, results) = try await batch.run(
            requests, displayName: "\(runID)-\(category.rawValue)\(shard.fileSuffix)", existingJob: existing,
            poll: .init(initial: 1, factor: 1.5, maximum: 60)
        ) { name in
            try BatchMode.saveJob(name, layout: layout, category: category, shard: shard)
            logger.notice("batch.submitted", ["batch.job": .string(name), "shops": .int(requests.count)])
        }
        let usable = results.values.compactMap { try? $0.get() }
        context.print("batch job \(job): \(usable.count) of \(requests.count) results usable")
        let usage = usable.reduce(TokenUsage()) { $0 + $1.usage }
        let model = batch.generator.options.model
        if let cost = providers.costEstimator.comparison(of: usage, model: model) {
            let currency = providers.costEstimator.prices.currency
            context.print(String(format: "estimated cost (%@, %d tokens): batch %.4f vs online %.4f %@ (50 %% less; estimate)",
                                 model, usage.totalTokens, cost.batch, cost.online, currency))
        }
        return PrecomputedGenerator(results: results, fallback: providers.generator)
    }

    static func exitCode(_ report: CategoryReport, maxFailureRatio: Double, context: CommandContext) -> Int32 {
        if report.interrupted {
            context.print("interrupted: re-run with --run-id \(report.runID) to resume")
            return ExitCode.interrupted
        }
        if report.selected > 0, Double(report.failed) / Double(report.selected) > maxFailureRatio {
            context.print("failed: \(report.failed) of \(report.selected) shops failed (limit \(maxFailureRatio))")
            return ExitCode.failure
        }
        return ExitCode.success
    }
}
