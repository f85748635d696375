import Foundation
import Observability
import Pipeline
import Providers
import VectorStore

/// `shop-summary eval`: summary-quality metrics over a batch (generated in process, or read
/// from an existing run directory), printed as JSON.
struct EvalCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["eval"],
        abstract: "Measure summary quality: coverage, lengths, guardrail violations, near-duplicates, example use.",
        discussion: """
        Without --run-dir, eval runs the per-shop path in process (category → examples → prompt → \
        guarded generation with the offline generator) and evaluates the result. With --run-dir it \
        evaluates an existing run's <category>.jsonl files against the same input. Prints the report \
        as JSON (also written to --report FILE); --strict exits 1 when an acceptance target is missed.
        """,
        options: [
            OptionSpec("--input", .value(placeholder: "FILE"), help: "Shops (JSON Lines, plain or .gz)", required: true),
            OptionSpec("--mapping", .value(placeholder: "FILE"), help: "Input mapping file (default: native schema)"),
            OptionSpec("--rules", .value(placeholder: "FILE"), help: "Category rules (default config/category-rules.json, else built-in)"),
            OptionSpec("--examples", .value(placeholder: "FILE"), help: "Curated examples (JSON Lines)", default: "samples/examples.jsonl"),
            OptionSpec("--data-dir", .value(placeholder: "DIR"), help: "Retrieve examples from this store's <category>_examples collections instead of --examples"),
            OptionSpec("--run-dir", .value(placeholder: "DIR"), help: "Evaluate this run's outputs instead of generating"),
            OptionSpec("--prompts", .value(placeholder: "DIR"), help: "Prompt directory (default ./prompts, else built-in)"),
            OptionSpec("--k", .value(placeholder: "N"), help: "Examples per prompt", default: "3"),
            OptionSpec("--report", .value(placeholder: "FILE"), help: "Also write the JSON report here"),
            OptionSpec("--html", .value(placeholder: "FILE"), help: "Also write the HTML section here"),
            OptionSpec("--summaries", .value(placeholder: "FILE"), help: "Also write every evaluated summary here (JSON Lines)"),
            OptionSpec("--strict", .flag, help: "Exit 1 when an acceptance target is missed"),
        ])

    let input: String
    let mapping: String?
    let rules: String?
    let examples: String
    let dataDir: String?
    let runDir: String?
    let prompts: String?
    let k: Int
    let report: String?
    let html: String?
    let summaries: String?
    let strict: Bool

    init(arguments: ParsedArguments) throws {
        input = try arguments.require("--input")
        mapping = arguments.value("--mapping")
        rules = arguments.value("--rules")
        examples = arguments.value("--examples") ?? "samples/examples.jsonl"
        dataDir = arguments.value("--data-dir")
        runDir = arguments.value("--run-dir")
        prompts = arguments.value("--prompts")
        k = try arguments.int("--k", in: 1...10) ?? 3
        report = arguments.value("--report")
        html = arguments.value("--html")
        summaries = arguments.value("--summaries")
        strict = arguments.flag("--strict")
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        do {
            return try await evaluate(context)
        } catch let error as PipelineError {
            throw EvalCommandError(error: error)
        } catch let error as StorageError {
            throw EvalCommandError(message: "error: \(error)", exitCode: ExitCode.dataError)
        }
    }

    private func evaluate(_ context: CommandContext) async throws -> Int32 {
        let started = Date()
        let mappingValue = try mapping.map { try InputMapping.load(from: URL(fileURLWithPath: $0)) } ?? .native
        let shopInput = try ShopReader.read(url: URL(fileURLWithPath: input), mapping: mappingValue, logger: context.logger)
        let categoryRules: CategoryRules
        if let rules {
            categoryRules = try CategoryRules.load(from: URL(fileURLWithPath: rules))
        } else if FileManager.default.fileExists(atPath: "config/category-rules.json") {
            categoryRules = try CategoryRules.load(from: URL(fileURLWithPath: "config/category-rules.json"))
        } else {
            categoryRules = try CategoryRules.builtin()
        }
        let promptBuilder = try PromptBuilder(configuration: .init(directory: prompts.map { URL(fileURLWithPath: $0) }))
        var versions: [String: String] = [:]
        for category in ShopCategory.allCases { versions[category.rawValue] = promptBuilder.promptVersion(for: category) }

        let items: [EvaluatedSummary]
        let allExamples: [ExampleSummary]
        var generatorName = OfflineGenerator().descriptor.provider + "/" + OfflineGenerator().descriptor.model
        var embedderName = "-"
        if let runDir {
            if let dataDir {
                guard FileManager.default.fileExists(atPath: dataDir) else {
                    throw PipelineError(code: .inputMissing, message: "data directory \(dataDir) does not exist")
                }
                allExamples = try Self.storedExamples(try VectorDatabase(directory: URL(fileURLWithPath: dataDir), logger: context.logger, createIfMissing: false))
            } else {
                allExamples = try EvalInputs.readExamples(at: URL(fileURLWithPath: examples))
            }
            let byID = Dictionary(allExamples.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let shops = Dictionary(shopInput.shops.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let rows = try EvalInputs.readRun(at: URL(fileURLWithPath: runDir))
            generatorName = rows.compactMap(\.generator).first ?? "unknown"
            items = rows.compactMap { row in
                guard let shop = shops[row.shopID] else { return nil }
                return EvaluatedSummary(shop: shop, category: row.category ?? categoryRules.decide(shop).category,
                                        output: row.output, failureReason: row.failureReason,
                                        examples: row.exampleIDs.compactMap { byID[$0] }, usedFallback: row.usedFallback)
            }
        } else {
            let source: any ExampleSource
            let embedder: OfflineEmbedder
            if let dataDir {
                guard FileManager.default.fileExists(atPath: dataDir) else {
                    throw PipelineError(code: .inputMissing, message: "data directory \(dataDir) does not exist")
                }
                let database = try VectorDatabase(directory: URL(fileURLWithPath: dataDir), logger: context.logger, createIfMissing: false)
                let dimension = try database.listCollections().first { $0.name.hasSuffix("_examples") }?.dimension ?? 384
                embedder = OfflineEmbedder(dimension: dimension)
                source = VectorStoreExampleSource(database: database)
                allExamples = try Self.storedExamples(database)
            } else {
                embedder = OfflineEmbedder()
                allExamples = try EvalInputs.readExamples(at: URL(fileURLWithPath: examples))
                let vectors = try await embedder.embed(allExamples.map(ExampleRecordCoding.embeddingText(for:)), task: .retrievalDocument)
                source = InMemoryExampleSource(examples: allExamples, vectors: vectors)
            }
            embedderName = embedder.descriptor.description
            let runner = EvalRunner(rules: categoryRules, embedder: embedder,
                                    selector: ExampleSelector(source: source, configuration: .init(k: k)),
                                    promptBuilder: promptBuilder, guarded: GuardedGeneration(generator: OfflineGenerator()),
                                    concurrency: 2)
            items = try await runner.run(shopInput.shops, logger: context.logger)
        }
        let info = SummaryEvaluator.RunInfo(
            input: input, mode: runDir == nil ? "in-process" : "run-dir", generator: generatorName, embedder: embedderName,
            promptVersions: versions, skippedRows: shopInput.issues.count, durationSeconds: Date().timeIntervalSince(started))
        let result = SummaryEvaluator().evaluate(items, allExamples: allExamples, info: info)
        let json = try result.jsonText()
        if let report { try Data((json + "\n").utf8).write(to: URL(fileURLWithPath: report)) }
        if let summaries { try Self.writeSummaries(items, to: URL(fileURLWithPath: summaries)) }
        if let html { try Data(result.htmlSection().utf8).write(to: URL(fileURLWithPath: html)) }
        context.print(json)
        return strict && !result.acceptance.passed ? ExitCode.failure : ExitCode.success
    }

    /// One JSON object per evaluated shop: id, category, summary or failure, examples used.
    static func writeSummaries(_ items: [EvaluatedSummary], to url: URL) throws {
        var text = ""
        for item in items {
            var row: [String: Any] = ["shop_id": item.shop.id, "name": item.shop.name, "category": item.category.rawValue,
                                      "example_ids": item.examples.map(\.id), "examples_fallback": item.usedFallback,
                                      "attempts": item.attempts]
            if let output = item.output {
                row["summary"] = output.summary
                row["highlights"] = output.highlights
                row["keywords"] = output.keywords
            } else {
                row["failure_reason"] = item.failureReason ?? "no summary"
            }
            let data = try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys, .withoutEscapingSlashes])
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        try Data(text.utf8).write(to: url)
    }

    /// Every example stored in the `<category>_examples` collections.
    static func storedExamples(_ database: VectorDatabase) throws -> [ExampleSummary] {
        var out: [ExampleSummary] = []
        for category in ShopCategory.allCases {
            guard let collection = try? database.collection(named: category.examplesCollection) else { continue }
            for record in try collection.get() {
                if let e = ExampleRecordCoding.example(id: record.id, document: record.document, metadata: record.metadata,
                                                       category: category) { out.append(e) }
            }
        }
        return out
    }
}

/// A failure of `eval` shown to the user with the matching exit code.
struct EvalCommandError: Error, CLIReportableError {
    let cliMessage: String
    let exitCode: Int32

    init(message: String, exitCode: Int32) {
        cliMessage = message
        self.exitCode = exitCode
    }

    init(error: PipelineError) {
        cliMessage = "error: \(error)"
        switch error.code {
        case .inputMissing: exitCode = ExitCode.noInput
        case .inputUnreadable, .invalidMapping, .invalidRules, .invalidExamples: exitCode = ExitCode.dataError
        case .invalidArgument: exitCode = ExitCode.usage
        case .store: exitCode = ExitCode.dataError
        default: exitCode = ExitCode.failure
        }
    }
}
