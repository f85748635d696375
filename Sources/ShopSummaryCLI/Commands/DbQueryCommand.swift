import Pipeline
import Providers
import VectorStore

/// `shop-summary db query`: nearest neighbours of a vector, optionally hybrid with text.
struct DbQueryCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "query"], abstract: "Find the nearest records to a vector (optionally hybrid with text).",
        discussion: """
        Give --vector JSON (one vector, or an array of vectors for several queries at once: --json then prints one
        array of hits per query, text output adds "query": N to each hit), or --text alone: the text is then
        embedded with the configured embedder (--embedder,
        default offline), which must be the one recorded on the collection (embedder.provider/model attributes,
        as 'examples import' records them). --hybrid fuses BM25 over documents with the vector ranking
        (Reciprocal Rank Fusion) and needs --text.
        """,
        options: [DbSupport.dataDir, DbSupport.collection,
                  OptionSpec("--vector", .value(placeholder: "JSON"), help: "Query vector, e.g. '[0.1, 0.2]', or several: '[[0.1, 0.2], [0.3, 0.4]]'."),
                  OptionSpec("--text", .value(placeholder: "TEXT"), help: "Query text: embedded when --vector is absent; BM25 terms for --hybrid."),
                  OptionSpec("--hybrid", help: "Fuse BM25 text ranking with the vector ranking."),
                  OptionSpec("-k", .value(placeholder: "N"), help: "Number of results.", default: "10")]
            + DbSupport.filterOptions + [DbSupport.include, PipelineOptions.embedder, PipelineOptions.config, DbSupport.json])

    let arguments: ParsedArguments
    let k: Int
    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        k = try arguments.int("-k", in: 1...100_000) ?? 10
        guard arguments.value("--vector") != nil || arguments.value("--text") != nil else {
            throw DbSupport.usage(arguments, "give --vector JSON or --text TEXT")
        }
        _ = try DbSupport.include(arguments, query: true)
        if arguments.flag("--hybrid") && arguments.value("--text") == nil {
            throw DbSupport.usage(arguments, "--hybrid needs --text")
        }
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let given = try arguments.value("--vector").map { try DbSupport.vectors($0, option: "--vector", arguments) }
        let (w, d) = try DbSupport.filters(arguments)
        let include = try DbSupport.include(arguments, query: true)
        if let given, given.count != 1 {
            guard !given.isEmpty else { throw DbSupport.usage(arguments, "--vector holds no vector") }
            guard !arguments.flag("--hybrid") else { throw DbSupport.usage(arguments, "--hybrid takes one --vector, not several") }
        }
        let db = try DbSupport.open(arguments, environment: context.environment)
        let c = try db.collection(named: try arguments.require("--collection"))
        if let given, given.count > 1 {
            let results = try c.query(vectors: given, k: k, where: w, whereDocument: d, includeVectors: include.embeddings)
            let rows = results.map { $0.map { DbSupport.hitJSON($0, include) } }
            if arguments.flag("--json") {
                context.print(JSONValue.array(rows.map(JSONValue.array)).serialized)
            } else {
                for (i, hits) in rows.enumerated() {
                    for case .object(let members) in hits { context.print(JSONValue.object([("query", .int(i))] + members).serialized) }
                }
            }
            return ExitCode.success
        }
        let vector: [Float]
        if let given {
            vector = given[0]
        } else {
            vector = try await Self.embed(try arguments.require("--text"), for: c, arguments, context)
        }
        let hits: [QueryHit]
        if arguments.flag("--hybrid"), let text = arguments.value("--text") {
            if d != nil { throw DbSupport.usage(arguments, "--where-document is not supported with --hybrid") }
            hits = try c.hybridQuery(vector: vector, text: text, k: k, where: w, includeVectors: include.embeddings)
        } else {
            hits = try c.query(vector: vector, k: k, where: w, whereDocument: d, includeVectors: include.embeddings)
        }
        let rows = hits.map { DbSupport.hitJSON($0, include) }
        if arguments.flag("--json") {
            context.print(JSONValue.array(rows).serialized)
        } else {
            for row in rows { context.print(row.serialized) }
        }
        return ExitCode.success
    }

    /// Embeds the query text with the configured embedder, after checking that the collection
    /// records the same one (vectors of different models are not comparable).
    static func embed(_ text: String, for collection: VectorCollection, _ arguments: ParsedArguments,
                      _ context: CommandContext) async throws -> [Float] {
        guard collection.attributes[ExampleLibrary.modelKey] != nil else {
            throw DbSupport.usage(arguments, "collection '\(collection.name)' records no embedder "
                + "(\(ExampleLibrary.providerKey)/\(ExampleLibrary.modelKey) attributes), so --text cannot be embedded for it; give --vector")
        }
        let providers = try ProviderSelection.make(arguments, environment: context.environment, logger: context.logger)
        try ExampleLibrary.checkEmbedder(collection, descriptor: providers.embedder.descriptor)
        guard let vector = try await providers.embedder.embed([text], task: .retrievalQuery).first else {
            throw DbSupport.usage(arguments, "the embedder returned no vector for --text")
        }
        return vector
    }
}
