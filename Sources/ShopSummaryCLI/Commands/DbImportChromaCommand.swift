import Foundation
import Providers
import VectorStore

/// `shop-summary db import-chroma PATH`: moves collections out of a Chroma persist directory
/// (or its `.tar.gz` backup) into our store. Ids, documents and metadata are copied; vectors are
/// re-computed with the configured embedder, because Chroma's vectors come from whatever model
/// the old stack used and are kept in its private HNSW files.
struct DbImportChromaCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "import-chroma"], abstract: "Import collections from a Chroma persist directory or .tar.gz.",
        discussion: """
        Reads chroma.sqlite3 read-only (SQLITE_OPEN_READONLY, immutable=1): the source is never modified.
        Copies collections, ids, documents and metadata. Vectors are NOT copied: every document is
        re-embedded with the configured embedder, recorded on the new collection. Records without a
        document cannot be re-embedded and are skipped (counted in the output).
        """,
        options: [
            PipelineOptions.dataDir,
            OptionSpec("--collection", .repeated(placeholder: "NAME"), help: "Import only these collections"),
            OptionSpec("--prefix", .value(placeholder: "P"), help: "Prefix for the new collection names", default: ""),
            OptionSpec("--replace", help: "Delete existing collections of the same name first"),
            OptionSpec("--batch-size", .value(placeholder: "N"), help: "Documents embedded per call", default: "256"),
        ] + PipelineOptions.providerSpecs,
        positionals: ["PATH"])

    let arguments: ParsedArguments
    let source: String
    let batchSize: Int

    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        guard let source = arguments.positional(0) else {
            throw UsageError(command: "db import-chroma", message: "missing PATH (a Chroma persist directory or .tar.gz)")
        }
        self.source = source
        batchSize = try arguments.int("--batch-size", in: 1...10_000) ?? 256
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let providers = try ProviderSelection.make(arguments, environment: context.environment, logger: context.logger)
        let embedder = providers.embedder
        let dataDir = arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir
        let prefix = arguments.value("--prefix") ?? ""
        let only = Set(arguments.values("--collection"))
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let collections: [ChromaImporter.Collection]
        let recovered: [String]
        do {
            var directory = URL(fileURLWithPath: source)
            if ChromaArchive.isArchive(source) {
                let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("import-chroma-\(UUID().uuidString)")
                scratch = tmp
                directory = try ChromaArchive.extract(directory, into: tmp)
            }
            let contents = try ChromaImporter(directory: directory).read()
            collections = contents.collections.filter { only.isEmpty || only.contains($0.name) }
            recovered = contents.recoveredFiles
        } catch let error as StorageError {
            throw ImportChromaFailure(error: error)
        }
        if let missing = only.subtracting(collections.map(\.name)).first {
            throw ImportChromaFailure(message: "no collection '\(missing)' in \(source)", exitCode: ExitCode.noInput)
        }
        context.print("reading \(source) read-only (never modified); \(collections.count) collection(s)")
        context.print("vectors are not copied from Chroma: documents are re-embedded with \(embedder.descriptor)")
        if !recovered.isEmpty {
            context.print("\(recovered.joined(separator: ", ")) found: Chroma's unfinished transaction was recovered on a private copy, "
                + "as Chroma would on its next open (the source is untouched)")
        }
        let database = try PipelineOptions.openDatabase(dataDir, logger: context.logger, create: true)
        let descriptor = embedder.descriptor
        for source in collections {
            let name = prefix + source.name
            var attributes = ["embedder.provider": descriptor.provider, "embedder.model": descriptor.model,
                              "embedder.dimension": String(descriptor.dimension),
                              "imported.from": "chroma", "chroma.collection_id": source.chromaID]
            if let d = source.dimension { attributes["chroma.dimension"] = String(d) }
            let withText = source.records.filter { $0.document != nil }
            do {
                if try database.listCollections().contains(where: { $0.name == name }) {
                    guard arguments.flag("--replace") else {
                        throw ImportChromaFailure(message: "collection '\(name)' already exists in \(dataDir); use --replace or --prefix",
                                                  exitCode: ExitCode.dataError)
                    }
                    try database.deleteCollection(named: name)
                }
                let collection = try database.createCollection(name: name, dimension: descriptor.dimension,
                                                               metric: source.metric, attributes: attributes)
                var start = 0
                while start < withText.count {
                    let chunk = Array(withText[start..<min(start + batchSize, withText.count)])
                    let vectors = try await embedder.embed(chunk.map { $0.document ?? "" }, task: .retrievalDocument)
                    try collection.upsert(zip(chunk, vectors).map {
                        VectorRecord(id: $0.id, vector: $1, document: $0.document, metadata: $0.metadata)
                    })
                    start += chunk.count
                }
            } catch let error as StorageError {
                throw ImportChromaFailure(error: error)
            }
            let skipped = source.records.count - withText.count
            context.print("\(source.name) → \(name): \(withText.count) records imported (\(source.metric.rawValue))"
                + (skipped > 0 ? ", \(skipped) skipped (no document to re-embed)" : "")
                + (source.pendingWritesApplied > 0
                    ? "; \(source.pendingWritesApplied) logged write(s) Chroma had not applied yet were replayed" : ""))
        }
        context.print("store: \(dataDir)")
        return ExitCode.success
    }
}

/// A failed import, shown as one line with the right exit code.
struct ImportChromaFailure: Error, CLIReportableError {
    var message: String
    var exitCode: Int32

    init(message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    init(error: StorageError) {
        message = error.description
        switch error.code {
        case .missingFile: exitCode = ExitCode.noInput
        case .corruptFile, .formatVersion, .dimensionMismatch: exitCode = ExitCode.dataError
        default: exitCode = ExitCode.failure
        }
    }

    var cliMessage: String { "error: \(message)" }
}
