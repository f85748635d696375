import VectorStore

/// `shop-summary db create`: creates a collection.
struct DbCreateCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["db", "create"], abstract: "Create a vector collection.",
        options: [DbSupport.dataDir, DbSupport.collection,
                  OptionSpec("--dimension", .value(placeholder: "N"), help: "Vector dimension.", required: true),
                  OptionSpec("--metric", .value(placeholder: "cosine|l2|ip"), help: "Distance metric.", default: "cosine"),
                  OptionSpec("--attribute", .repeated(placeholder: "KEY=VALUE"), help: "Attribute to record (repeatable)."),
                  OptionSpec("--if-missing", help: "Succeed when the collection already exists with the same shape."),
                  DbSupport.json])

    let arguments: ParsedArguments
    let dimension: Int
    let metric: DistanceMetric
    let attributes: [String: String]

    init(arguments: ParsedArguments) throws {
        self.arguments = arguments
        dimension = try arguments.int("--dimension", in: 1...65_536) ?? 0
        metric = DistanceMetric(rawValue: try arguments.choice("--metric", ["cosine", "l2", "ip"]) ?? "cosine") ?? .cosine
        var attrs: [String: String] = [:]
        for a in arguments.values("--attribute") {
            guard let eq = a.firstIndex(of: "="), eq != a.startIndex else {
                throw DbSupport.usage(arguments, "--attribute expects KEY=VALUE, got '\(a)'")
            }
            attrs[String(a[..<eq])] = String(a[a.index(after: eq)...])
        }
        attributes = attrs
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let db = try DbSupport.open(arguments, environment: context.environment, create: true)
        let name = try arguments.require("--collection")
        // With --if-missing, whether it existed is only for the message (another process may
        // create it in between; getOrCreateCollection handles that race).
        let existed = arguments.flag("--if-missing") && ((try? db.listCollections())?.contains { $0.name == name } ?? false)
        let c = arguments.flag("--if-missing")
            ? try db.getOrCreateCollection(name: name, dimension: dimension, metric: metric, attributes: attributes)
            : try db.createCollection(name: name, dimension: dimension, metric: metric, attributes: attributes)
        if arguments.flag("--json") {
            context.print(JSONValue.object([("name", .string(c.name)), ("dimension", .int(c.dimension)),
                                            ("metric", .string(c.metric.rawValue)), ("created", .bool(!existed))]).serialized)
        } else {
            context.print("\(existed ? "collection exists:" : "created collection") \(c.name) (dimension \(c.dimension), \(c.metric.rawValue))")
        }
        return ExitCode.success
    }
}
