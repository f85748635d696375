import VectorStore

/// `shop-summary db compact`: merges segments, drops deleted rows, removes unneeded files.
struct DbCompactCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "compact"], abstract: "Compact collections and reclaim disk space.",
        options: [DbSupport.dataDir,
                  OptionSpec("--collection", .value(placeholder: "NAME"), help: "Only this collection (default: all)."),
                  DbSupport.json])
    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws { self.arguments = arguments }

    func run(_ context: CommandContext) async throws -> Int32 {
        let db = try DbSupport.open(arguments, environment: context.environment)
        let before = try db.stats().totalBytes
        let names = try arguments.value("--collection").map { [$0] } ?? db.listCollections().map(\.name)
        for name in names { try db.collection(named: name).compact() }
        let removed = try db.collectGarbage()
        let after = try db.stats().totalBytes
        context.print(arguments.flag("--json")
            ? #"{"collections":\#(names.count),"bytesBefore":\#(before),"bytesAfter":\#(after),"filesRemoved":\#(removed)}"#
            : "compacted \(names.count) collection(s): \(before) → \(after) bytes, \(removed) file(s) removed")
        return ExitCode.success
    }
}
