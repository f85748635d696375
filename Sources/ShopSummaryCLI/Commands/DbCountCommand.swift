import VectorStore

/// `shop-summary db count`: live rows in a collection.
struct DbCountCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "count"], abstract: "Count the records of a collection.",
        options: [DbSupport.dataDir, DbSupport.collection, DbSupport.json])
    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws { self.arguments = arguments }

    func run(_ context: CommandContext) async throws -> Int32 {
        let db = try DbSupport.open(arguments, environment: context.environment)
        let n = try db.collection(named: try arguments.require("--collection")).count()
        context.print(arguments.flag("--json") ? #"{"count":\#(n)}"# : String(n))
        return ExitCode.success
    }
}
