import VectorStore

/// `shop-summary db delete`: deletes records by id/filter, or the whole collection.
struct DbDeleteCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "delete"], abstract: "Delete records (by id or filter) or a whole collection.",
        options: [DbSupport.dataDir, DbSupport.collection,
                  OptionSpec("--id", .repeated(placeholder: "ID"), help: "Id to delete (repeatable)."),
                  OptionSpec("--where", .value(placeholder: "JSON"), help: "Delete rows matching this metadata filter."),
                  OptionSpec("--where-document", .value(placeholder: "JSON"),
                             help: "Delete rows whose document matches, e.g. '{\"$contains\": \"폐업\"}' (with --where/--id: rows matching all)."),
                  OptionSpec("--drop-collection", help: "Delete the collection itself."),
                  DbSupport.json])

    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        let drop = arguments.flag("--drop-collection")
        let some = !arguments.values("--id").isEmpty || arguments.value("--where") != nil || arguments.value("--where-document") != nil
        guard drop != some else {
            throw DbSupport.usage(arguments, drop ? "--drop-collection takes no --id/--where/--where-document"
                                                  : "give --id, --where, --where-document or --drop-collection")
        }
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let (filter, document) = try DbSupport.filters(arguments)  // bad filter JSON fails before the store is touched
        let db = try DbSupport.open(arguments, environment: context.environment)
        let name = try arguments.require("--collection")
        if arguments.flag("--drop-collection") {
            try db.deleteCollection(named: name)
            context.print(arguments.flag("--json") ? #"{"deletedCollection":\#(JSONValue.quote(name))}"# : "deleted collection \(name)")
            return ExitCode.success
        }
        let ids = arguments.values("--id")
        let n = try db.collection(named: name).delete(ids: ids.isEmpty ? nil : ids, where: filter, whereDocument: document)
        context.print(arguments.flag("--json") ? #"{"deleted":\#(n)}"# : "deleted \(n)")
        return ExitCode.success
    }
}
