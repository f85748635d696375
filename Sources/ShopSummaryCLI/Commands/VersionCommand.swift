/// `shop-summary version`: prints the version.
struct VersionCommand: CLICommand {
    static let configuration = CommandConfiguration(path: ["version"], abstract: "Print the version.")

    init(arguments: ParsedArguments) throws {}

    func run(_ context: CommandContext) async throws -> Int32 {
        context.print("shop-summary \(RootCommand.version)")
        return ExitCode.success
    }
}
