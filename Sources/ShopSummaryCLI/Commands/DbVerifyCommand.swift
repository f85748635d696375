import VectorStore

/// `shop-summary db verify`: checks every checksum and invariant; exit 65 when anything is wrong.
struct DbVerifyCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "verify"], abstract: "Verify every file's checksum and the store's invariants.",
        options: [DbSupport.dataDir, DbSupport.json])
    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws { self.arguments = arguments }

    func run(_ context: CommandContext) async throws -> Int32 {
        let report = try DbSupport.open(arguments, environment: context.environment).verify()
        if arguments.flag("--json") {
            let problems = report.problems.map { p in
                JSONValue.object([("collection", p.collection.map { .string($0) } ?? .null),
                                  ("file", p.file.map { .string($0) } ?? .null), ("message", .string(p.message))])
            }
            context.print(JSONValue.object([
                ("healthy", .bool(report.isHealthy)), ("collections", .int(report.collectionsChecked)),
                ("files", .int(report.filesChecked)), ("rows", .int(report.rowsChecked)),
                ("problems", .array(problems)), ("notes", .array(report.notes.map { .string($0) })),
            ]).serialized)
        } else {
            for p in report.problems {
                context.print("PROBLEM \(p.collection ?? "-") \(p.file ?? "-"): \(p.message)")
            }
            for n in report.notes { context.print("note: \(n)") }
            context.print("\(report.isHealthy ? "ok" : "FAILED"): \(report.collectionsChecked) collection(s), "
                + "\(report.filesChecked) file(s), \(report.rowsChecked) row(s) checked, \(report.problems.count) problem(s)")
        }
        return report.isHealthy ? ExitCode.success : ExitCode.dataError
    }
}
