import VectorStore

/// `shop-summary db get`: records by id and/or filter.
struct DbGetCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "get"], abstract: "Get records by id and/or filter.",
        options: [DbSupport.dataDir, DbSupport.collection,
                  OptionSpec("--id", .repeated(placeholder: "ID"), help: "Id to fetch (repeatable)."),
                  OptionSpec("--limit", .value(placeholder: "N"), help: "At most N records."),
                  OptionSpec("--offset", .value(placeholder: "N"), help: "Skip N records.", default: "0"),
                  DbSupport.include,
                  OptionSpec("--include-vectors", help: "Include embeddings in the output (= --include with embeddings).")]
            + DbSupport.filterOptions + [DbSupport.json])

    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        _ = try arguments.int("--limit", in: 0...Int.max)
        _ = try arguments.int("--offset", in: 0...Int.max)
        _ = try DbSupport.include(arguments, query: false)
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let (w, d) = try DbSupport.filters(arguments)
        let db = try DbSupport.open(arguments, environment: context.environment)
        let c = try db.collection(named: try arguments.require("--collection"))
        let ids = arguments.values("--id")
        let include = try DbSupport.include(arguments, query: false)
        let records = try c.get(ids: ids.isEmpty ? nil : ids, where: w, whereDocument: d,
                                limit: try arguments.int("--limit"), offset: try arguments.int("--offset") ?? 0,
                                includeVectors: include.embeddings)
        if arguments.flag("--json") {
            context.print(JSONValue.array(records.map { DbSupport.recordJSON($0, include) }).serialized)
        } else {
            for r in records { context.print(DbSupport.recordJSON(r, include).serialized) }
        }
        return ExitCode.success
    }
}
