/// Every command, in the order `--help` lists them. Add new commands here.
enum CommandRegistry {
    static let all: [any CLICommand.Type] = [
        VersionCommand.self,
        RunCommand.self,
        GenerateCommand.self,
        MergeCommand.self,
        ExamplesImportCommand.self,
        EvalCommand.self,
    ]
}
