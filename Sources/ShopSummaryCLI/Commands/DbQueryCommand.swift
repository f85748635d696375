import VectorStore

/// `shop-summary db query`: nearest neighbours of a vector, optionally hybrid with text.
struct DbQueryCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "query"], abstract: "Find the nearest records to a vector (optionally hybrid with text).",
        discussion: "Give --vector JSON. --hybrid also needs --text and fuses BM25 over documents with the vector\nranking (Reciprocal Rank Fusion).",
        options: [DbSupport.dataDir, DbSupport.collection,
                  OptionSpec("--vector", .value(placeholder: "JSON"), help: "Query vector, e.g. '[0.1, 0.2]'."),
                  OptionSpec("--text", .value(placeholder: "TEXT"), help: "Query text (for --hybrid)."),
                  OptionSpec("--hybrid", help: "Fuse BM25 text ranking with the vector ranking."),
                  OptionSpec("-k", .value(placeholder: "N"), help: "Number of results.", default: "10")]
            + DbSupport.filterOptions + [DbSupport.json])

    let arguments: ParsedArguments
    let k: Int
    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        k = try arguments.int("-k", in: 1...100_000) ?? 10
        guard arguments.value("--vector") != nil else {
            throw DbSupport.usage(arguments, arguments.value("--text") != nil
                ? "--text needs an embedder, which this build's db query does not load yet; give --vector too"
                : "give --vector JSON")
        }
        if arguments.flag("--hybrid") && arguments.value("--text") == nil {
            throw DbSupport.usage(arguments, "--hybrid needs --text")
        }
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let vector = try DbSupport.vector(try arguments.require("--vector"), option: "--vector", arguments)
        let (w, d) = try DbSupport.filters(arguments)
        let db = try DbSupport.open(arguments, environment: context.environment)
        let c = try db.collection(named: try arguments.require("--collection"))
        let hits: [QueryHit]
        if arguments.flag("--hybrid"), let text = arguments.value("--text") {
            if d != nil { throw DbSupport.usage(arguments, "--where-document is not supported with --hybrid") }
            hits = try c.hybridQuery(vector: vector, text: text, k: k, where: w)
        } else {
            hits = try c.query(vector: vector, k: k, where: w, whereDocument: d)
        }
        if arguments.flag("--json") {
            context.print(JSONValue.array(hits.map(DbSupport.hitJSON)).serialized)
        } else {
            for h in hits { context.print(DbSupport.hitJSON(h).serialized) }
        }
        return ExitCode.success
    }
}
