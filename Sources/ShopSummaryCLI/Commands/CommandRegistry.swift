/// Every command, in the order `--help` lists them. Add new commands here.
enum CommandRegistry {
    static let all: [any CLICommand.Type] = [
        ScheduleCommand.self,
        VersionCommand.self,
        RunCommand.self,
        GenerateCommand.self,
        MergeCommand.self,
        ExamplesImportCommand.self,
        DbCreateCommand.self,
        DbAddCommand.self,
        DbUpsertCommand.self,
        DbGetCommand.self,
        DbQueryCommand.self,
        DbDeleteCommand.self,
        DbCountCommand.self,
        DbStatsCommand.self,
        DbVerifyCommand.self,
        DbCompactCommand.self,
        DbImportChromaCommand.self,
        DbBenchCommand.self,
    ]
}
