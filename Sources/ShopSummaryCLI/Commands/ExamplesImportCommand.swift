import Foundation
import Pipeline
import Providers

/// `shop-summary examples import`: curated example summaries → `<category>_examples` collections.
struct ExamplesImportCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["examples", "import"], abstract: "Import curated example summaries into the vector store.",
        discussion: """
        JSON Lines of {id, category, shop_name, cuisine, summary, tags}. Upserts by id into <category>_examples,
        embedding with the configured embedder, whose provider/model/dimension are recorded on the collection;
        queries with another embedder are refused. --replace rebuilds the collections (to switch embedders).
        """,
        options: [
            OptionSpec("--file", .value(placeholder: "FILE"), help: "Example summaries (JSON Lines)", required: true),
            PipelineOptions.dataDir,
            OptionSpec("--replace", help: "Delete and rebuild the example collections"),
        ] + PipelineOptions.providerSpecs)

    let arguments: ParsedArguments

    init(arguments: ParsedArguments) throws { self.arguments = arguments }

    func run(_ context: CommandContext) async throws -> Int32 {
        let providers = try ProviderSelection.make(arguments, environment: context.environment, logger: context.logger)
        let file = PipelineOptions.url(try arguments.require("--file"))
        let examples = try ExampleLibrary.loadFile(file)
        let dataDir = arguments.value("--data-dir") ?? PipelineOptions.defaultDataDir
        let database = try PipelineOptions.openDatabase(dataDir, logger: context.logger, create: true)
        let counts = try await ExampleLibrary(database: database, embedder: providers.embedder)
            .importExamples(examples, replace: arguments.flag("--replace"))
        for category in ShopCategory.allCases {
            context.print("\(category.examplesCollection): \(counts[category] ?? 0) examples upserted")
        }
        context.print("embedder: \(providers.embedder.descriptor); store: \(dataDir)")
        return ExitCode.success
    }
}
