import Foundation
import MetricsPush
import Observability
import Pipeline
import Providers
import VectorStore

/// Options and helpers shared by `generate`, `run`, `merge` and `examples import`.
enum PipelineOptions {
    static let defaultDataDir = "./.shop-summary/db"
    static let defaultOutput = "./.shop-summary/out"
    static let defaultBackupURL = "file://./.shop-summary/backups"
    static let defaultRules = "config/category-rules.json"
    static let defaultExamples = "samples/examples.jsonl"

    static let input = OptionSpec("--input", .value(placeholder: "FILE"),
                                  help: "Shops as JSON Lines (.jsonl or .jsonl.gz)", required: true)
    static let mapping = OptionSpec("--mapping", .value(placeholder: "FILE"),
                                    help: "Mapping from another row shape to the native schema (docs/INPUT.md)")
    static let rules = OptionSpec("--rules", .value(placeholder: "FILE"),
                                  help: "Category rules (built-in copy of config/category-rules.json when absent)")
    static let dataDir = OptionSpec("--data-dir", .value(placeholder: "DIR"), help: "Vector store directory",
                                    default: defaultDataDir)
    static let output = OptionSpec("--output", .value(placeholder: "DIR"), help: "Output root", default: defaultOutput)
    static let runID = OptionSpec("--run-id", .value(placeholder: "ID"),
                                  help: "Run id (default: the schedule slot, latest 1st/15th 02:00 Asia/Seoul)")
    static let concurrency = OptionSpec("--concurrency", .value(placeholder: "N"), help: "Shops in flight",
                                        default: "8")
    static let grace = OptionSpec("--grace-seconds", .value(placeholder: "S"),
                                  help: "On SIGTERM/SIGINT, time in-flight shops get to finish", default: "20")
    static let topK = OptionSpec("--top-k", .value(placeholder: "K"), help: "Examples retrieved per shop", default: "3")
    static let prompts = OptionSpec("--prompts", .value(placeholder: "DIR"),
                                    help: "Prompt files directory (default ./prompts, else built-in)")
    static let maxFailureRatio = OptionSpec("--max-failure-ratio", .value(placeholder: "R"),
                                            help: "Exit 1 when more than this share of shops failed", default: "0.1")
    static let llm = OptionSpec("--llm", .value(placeholder: "NAME"),
                                help: "Generator: gemini, vertex, openai, offline or auto (default auto: offline without credentials)")
    static let embedder = OptionSpec("--embedder", .value(placeholder: "NAME"),
                                     help: "Embedder: gemini, vertex, openai or offline (default offline)")
    static let pushgateway = OptionSpec("--pushgateway", .value(placeholder: "URL"),
                                        help: "Also push the run's metrics to this Prometheus Pushgateway")
    static let config = OptionSpec("--config", .value(placeholder: "FILE"), help: "Provider configuration JSON")

    static let providerSpecs = [llm, embedder, config]

    static func url(_ path: String) -> URL { URL(fileURLWithPath: path) }

    /// The mapping given, or the native schema.
    static func loadMapping(_ path: String?) throws -> InputMapping {
        guard let path else { return .native }
        return try InputMapping.load(from: url(path))
    }

    /// The rules file given, else `config/category-rules.json` when present, else the built-in copy.
    static func loadRules(_ path: String?) throws -> CategoryRules {
        if let path { return try CategoryRules.load(from: url(path)) }
        if FileManager.default.fileExists(atPath: defaultRules) { return try CategoryRules.load(from: url(defaultRules)) }
        return try CategoryRules.builtin()
    }

    static func runID(_ arguments: ParsedArguments) throws -> String {
        let id = arguments.value("--run-id") ?? RunID.scheduleSlot()
        do { try RunID.validate(id) } catch let error as PipelineError {
            throw UsageError(command: arguments.commandPath.joined(separator: " "), message: error.message)
        }
        return id
    }

    /// Opens the store at `path`; only commands that fill a store (`examples import`,
    /// `db import-chroma`, `run` after its init step) pass `create: true`.
    static func openDatabase(_ path: String, logger: Logger, create: Bool) throws -> VectorDatabase {
        do { return try VectorDatabase(directory: url(path), logger: logger, createIfMissing: create) } catch let error as StorageError
            where error.code == .storeNotFound {
            throw PipelineError(code: .inputMissing, message: "no vector store at \(path); run 'shop-summary init' "
                                    + "(restores it from backup or creates it) or 'shop-summary examples import' first", cause: error)
        } catch {
            throw PipelineError(code: .store, message: "cannot open the vector store at \(path)", cause: error)
        }
    }
}

/// The embedder and generator chosen by `--llm`/`--embedder`/`--config` and the environment,
/// built by `Providers.ProviderFactory` (offline when no credentials are present; `note` says why).
struct ProviderSelection {
    var embedder: any Embedder
    var generator: any Generator
    /// Gemini Batch API generator (only for `--llm gemini`).
    var batchGenerator: GeminiBatchGenerator?
    /// Cost estimates from the price table (`config/prices.json` via `SHOP_SUMMARY_PRICES`, else built in).
    var costEstimator = CostEstimator()
    /// What runs and why, e.g. "llm: offline/extractive-v1 (auto: no credentials); …".
    var note: String = ""

    static func make(_ arguments: ParsedArguments, environment: [String: String], logger: Logger) throws
        -> ProviderSelection
    {
        var flags = ProviderConfiguration()
        flags.llm = arguments.value("--llm")
        flags.embedder = arguments.value("--embedder")
        let command = arguments.commandPath.joined(separator: " ")
        _ = try arguments.choice("--llm", ["auto", "offline", "gemini", "vertex", "openai"])
        _ = try arguments.choice("--embedder", ["offline", "gemini", "vertex", "openai"])
        let configuration: ProviderConfiguration
        do {
            configuration = try ProviderConfiguration.resolve(flags: flags, environment: environment,
                                                              configFile: arguments.value("--config").map(PipelineOptions.url))
        } catch {
            throw UsageError(command: command, message: "\(error)")
        }
        let dataDir = PipelineOptions.url(arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir)
        let cacheDir = dataDir.standardizedFileURL.deletingLastPathComponent().appendingPathComponent("embedding-cache")
        // Missing credentials or an unreadable key file are not usage errors: the ProviderError
        // propagates (exit 69, "provider unavailable as configured") with its own hint.
        let selection = try ProviderFactory.make(configuration: configuration, environment: environment,
                                                 offlineGenerator: OfflineGenerator(), embeddingCacheDirectory: cacheDir,
                                                 logger: logger)
        logger.notice("providers.selected", ["providers.note": .string(selection.selectionNote)])
        return ProviderSelection(embedder: selection.embedder, generator: selection.generator,
                                 batchGenerator: selection.batchGenerator, costEstimator: selection.costEstimator,
                                 note: selection.selectionNote)
    }
}
