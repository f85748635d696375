import VectorStore

/// `shop-summary db stats`: collections, counts, dimension, bytes.
struct DbStatsCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "stats"], abstract: "List collections with counts, dimension and bytes (verifies checksums).",
        options: [DbSupport.dataDir, DbSupport.json])
    let arguments: ParsedArguments
    init(arguments: ParsedArguments) throws { self.arguments = arguments }

    func run(_ context: CommandContext) async throws -> Int32 {
        let stats = try DbSupport.open(arguments, environment: context.environment).stats(verifyFiles: true)
        if arguments.flag("--json") {
            let cols = stats.collections.map { c in
                JSONValue.object([
                    ("name", .string(c.name)), ("count", .int(c.count)), ("dimension", .int(c.dimension)),
                    ("metric", .string(c.metric.rawValue)), ("bytes", .int(Int(c.bytes))),
                    ("attributes", .object(c.attributes.keys.sorted().map { ($0, .string(c.attributes[$0] ?? "")) })),
                ])
            }
            context.print(JSONValue.object([("formatVersion", .int(stats.formatVersion)), ("collections", .array(cols)),
                                            ("totalBytes", .int(Int(stats.totalBytes)))]).serialized)
            return ExitCode.success
        }
        context.print("format version \(stats.formatVersion), \(stats.collections.count) collection(s), \(stats.totalBytes) bytes")
        for c in stats.collections {
            let attrs = c.attributes.keys.sorted().map { "\($0)=\(c.attributes[$0] ?? "")" }.joined(separator: " ")
            context.print("  \(c.name)  count=\(c.count) dimension=\(c.dimension) metric=\(c.metric.rawValue) bytes=\(c.bytes)"
                + (attrs.isEmpty ? "" : "  " + attrs))
        }
        return ExitCode.success
    }
}
