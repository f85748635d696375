import VectorStore

/// `shop-summary db add` / `db upsert`: writes records from a file or the command line, as one
/// all-or-nothing batch. Prints `acknowledged N` after the commit is durable.
struct DbWriteCommand {
    static func options() -> [OptionSpec] {
        [DbSupport.dataDir, DbSupport.collection] + DbSupport.recordOptions + [
            OptionSpec("--batch-size", .value(placeholder: "N"),
                       help: "Commit every N records separately (each batch all or nothing; default: one batch)."),
            DbSupport.json,
        ]
    }

    static func run(_ arguments: ParsedArguments, _ context: CommandContext, upsert: Bool) throws -> Int32 {
        let records = try DbSupport.records(arguments)
        let db = try DbSupport.open(arguments, environment: context.environment)
        let c = try db.collection(named: try arguments.require("--collection"))
        let size = try arguments.int("--batch-size", in: 1...Int.max) ?? max(records.count, 1)
        var start = 0
        while start < records.count {
            let batch = Array(records[start..<min(records.count, start + size)])
            if upsert { try c.upsert(batch) } else { try c.add(batch) }
            start += batch.count
            // Printed only after the commit is durable: scripts treat these ids as acknowledged.
            if size < records.count && !arguments.flag("--json") {
                context.print("acknowledged \(batch.count) through \(batch.last?.id ?? "")")
            }
        }
        if size < records.count && !arguments.flag("--json") { return ExitCode.success }
        if arguments.flag("--json") {
            context.print(JSONValue.object([("acknowledged", .int(records.count)), ("count", .int(try c.count()))]).serialized)
        } else {
            context.print("acknowledged \(records.count)")
        }
        return ExitCode.success
    }
}

/// `shop-summary db add`: adds new records (an existing id is an error; nothing is written then).
struct DbAddCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "add"], abstract: "Add records to a collection (all or nothing).", options: DbWriteCommand.options())
    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws { self.arguments = arguments }
    func run(_ context: CommandContext) async throws -> Int32 {
        try DbWriteCommand.run(arguments, context, upsert: false)
    }
}

/// `shop-summary db upsert`: inserts or replaces records.
struct DbUpsertCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "upsert"], abstract: "Insert or replace records (all or nothing).", options: DbWriteCommand.options())
    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws { self.arguments = arguments }
    func run(_ context: CommandContext) async throws -> Int32 {
        try DbWriteCommand.run(arguments, context, upsert: true)
    }
}
