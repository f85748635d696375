import Foundation
import Observability
import Pipeline
import Providers
import Synchronization

/// `shop-summary run`: the whole batch locally with Airflow's semantics:
/// init → the three categories in parallel → merge → backup.
struct RunCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["run"], abstract: "Run the whole batch: init → categories in parallel → merge → backup.",
        discussion: """
        init restores the store from the newest good backup when it is missing (or creates it and imports
        --examples when there is no backup). Each step is retried --retries times, --retry-delay apart; a step
        that finally fails stops the steps after it, exits 1 and posts to --notify-url (Slack-compatible JSON).
        Generation resumes from this run id's ledger, so retries and re-runs never redo finished shops.
        """,
        options: [
            PipelineOptions.input, PipelineOptions.mapping, PipelineOptions.rules, PipelineOptions.dataDir,
            PipelineOptions.output,
            OptionSpec("--backup-url", .value(placeholder: "URL"), help: "Backup location (file://DIR or s3://BUCKET/PREFIX)",
                       default: PipelineOptions.defaultBackupURL),
            OptionSpec("--examples", .value(placeholder: "FILE"), help: "Examples imported into a new store",
                       default: PipelineOptions.defaultExamples),
            PipelineOptions.runID, PipelineOptions.concurrency, PipelineOptions.grace, PipelineOptions.topK,
            PipelineOptions.prompts, PipelineOptions.maxFailureRatio,
            OptionSpec("--retries", .value(placeholder: "N"), help: "Extra attempts per failed step", default: "2"),
            OptionSpec("--retry-delay", .value(placeholder: "DURATION"), help: "Wait between attempts (5m, 30s, 0)",
                       default: "5m"),
            OptionSpec("--notify-url", .value(placeholder: "URL"), help: "POST a JSON message here when a step fails"),
            PipelineOptions.pushgateway,
        ] + PipelineOptions.providerSpecs)

    let arguments: ParsedArguments
    let runID: String
    let retries: Int
    let retryDelay: Duration
    let notifyURL: URL?
    let tuning: RunTuning

    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        runID = try PipelineOptions.runID(arguments)
        retries = try arguments.int("--retries", in: 0...20) ?? 2
        let delayText = arguments.value("--retry-delay") ?? "5m"
        guard let delay = StepRunner.parseDuration(delayText) else {
            throw UsageError(command: "run", message: "--retry-delay '\(delayText)' is not a duration like 5m, 30s or 0")
        }
        retryDelay = delay
        if let text = arguments.value("--notify-url") {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                throw UsageError(command: "run", message: "--notify-url must be an http(s) URL")
            }
            notifyURL = url
        } else {
            notifyURL = nil
        }
        tuning = try RunTuning(arguments)
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        ShutdownSignal.install()
        let logger = context.logger.with(["run.id": .string(runID)])
        let providers = try ProviderSelection.make(arguments, environment: context.environment, logger: logger)
        let input = try PreparedInput.load(input: PipelineOptions.url(try arguments.require("--input")),
                                           mapping: PipelineOptions.loadMapping(arguments.value("--mapping")),
                                           rules: PipelineOptions.loadRules(arguments.value("--rules")), logger: logger)
        let dataDir = PipelineOptions.url(arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir)
        let layout = try RunLayout(outputDirectory: PipelineOptions.url(arguments.value("--output") ?? PipelineOptions.defaultOutput),
                                   runID: runID)
        let backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        let lifecycle = StoreLifecycle(dataDirectory: dataDir, backupURL: backupURL,
                                       engine: try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context),
                                       examplesFile: PipelineOptions.url(arguments.value("--examples") ?? PipelineOptions.defaultExamples),
                                       embedder: providers.embedder, logger: logger)
        let prompts = PromptStage(builder: try PromptBuilder(configuration: .init(
            directory: arguments.value("--prompts").map(PipelineOptions.url))))
        let configuration = tuning.configuration
        let backupNote = Mutex<String?>(nil)
        let merged = Mutex<[ShardMerger.CategoryResult]>([])
        let maxFailureRatio = tuning.maxFailureRatio
        let generateSteps = ShopCategory.allCases.map { category in
            StepRunner.Step(name: "generate_\(category.rawValue)") {
                let database = try PipelineOptions.openDatabase(dataDir.path, logger: logger, create: true)
                let retriever = try ExampleLibrary(database: database, embedder: providers.embedder)
                    .retriever(for: [category], k: configuration.topK)
                let runner = BatchRunner(embedder: providers.embedder, generator: providers.generator,
                                         retriever: retriever, prompts: prompts, configuration: configuration,
                                         logger: logger)
                let report = try await runner.run(shops: input.shops(in: category), decisions: input.decisions,
                                                  category: category, layout: layout)
                if report.interrupted {
                    throw StepRunner.DoNotRetry("interrupted by signal; \(report.notStarted + report.abandoned) shops left")
                }
                if report.selected > 0, Double(report.failed) / Double(report.selected) > maxFailureRatio {
                    throw PipelineError(code: .stepFailed,
                                        message: "\(report.failed) of \(report.selected) shops failed (limit \(maxFailureRatio))")
                }
                return "\(report.ok) ok, \(report.failed) failed, \(report.resumed) resumed"
            }
        }
        let stages: [[StepRunner.Step]] = [
            [StepRunner.Step(name: "init") { try await lifecycle.initialize() }],
            generateSteps,
            [StepRunner.Step(name: "merge") {
                let results = try ShardMerger.merge(layout: layout, input: input)
                merged.withLock { $0 = results }
                let incomplete = results.filter { !$0.complete }
                guard incomplete.isEmpty else {
                    throw PipelineError(code: .incomplete, message: incomplete.map {
                        "\($0.category): \($0.missing.count) missing, \($0.duplicates.count) duplicated"
                    }.joined(separator: "; "))
                }
                return results.map { "\($0.category) \($0.rows)/\($0.expected)" }.joined(separator: ", ")
            }],
            [StepRunner.Step(name: "backup") {
                let location = try await lifecycle.backup()
                backupNote.withLock { $0 = location }
                return location
            }],
        ]
        let steps = await StepRunner(retries: retries, retryDelay: retryDelay, logger: logger).run(stages: stages)
        let report = try ShardMerger.writeRunReport(layout: layout, input: input, steps: steps,
                                                    backup: backupNote.withLock { $0 }, dataDirectory: dataDir)
        await PipelineOptions.pushMetrics(arguments, report: report, layout: layout, context: context)
        return await finish(report: report, steps: steps, merged: merged.withLock { $0 }, layout: layout,
                            context: context, logger: logger)
    }

    private func finish(report: RunReport, steps: [RunReport.Step], merged: [ShardMerger.CategoryResult],
                        layout: RunLayout, context: CommandContext, logger: Logger) async -> Int32 {
        for step in steps {
            context.print("step \(step.name): \(step.status) (attempts \(step.attempts), "
                + String(format: "%.1f s", step.durationSeconds) + ")" + (step.error.map { ": \($0)" } ?? ""))
        }
        if let input = report.input {
            context.print("input: \(input.validShops) shops (\(input.skippedRows) rows skipped, "
                + "\(input.duplicateReviewsCollapsed) duplicate reviews collapsed)")
        }
        for category in ShopCategory.allCases {
            let path = merged.first { $0.category == category.rawValue }?.output ?? layout.output(category).path
            context.print("output \(category.rawValue): \(path)")
        }
        context.print("report: \(layout.report.path)")
        context.print("review page: \(layout.root.appendingPathComponent("report.html").path)")
        context.print("metrics: \(layout.root.appendingPathComponent("metrics.prom").path)")
        context.print("backup: \(report.backup ?? "none (the backup step failed or did not run)")")
        if steps.contains(where: { $0.status == "interrupted" }) {
            context.print("interrupted: re-run with --run-id \(runID) to resume")
            return ExitCode.interrupted
        }
        guard steps.allSatisfy({ $0.status == "ok" }) else {
            if let notifyURL {
                let body = FailureNotifier.payload(runID: runID, steps: steps, report: layout.report.path)
                let delivered = await FailureNotifier(url: notifyURL, logger: logger).send(body)
                context.print("notification: \(delivered ? "sent" : "not delivered")")
            }
            return ExitCode.failure
        }
        return ExitCode.success
    }
}
