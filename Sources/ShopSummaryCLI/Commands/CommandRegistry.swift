/// Every command, in the order `--help` lists them. Add new commands here.
enum CommandRegistry {
    static let all: [any CLICommand.Type] = [
        // The batch
        RunCommand.self,
        GenerateCommand.self,
        MergeCommand.self,
        ExamplesImportCommand.self,
        EvalCommand.self,
        ScheduleCommand.self,
        // Store lifecycle and backups
        InitCommand.self,
        BackupCommand.self,
        BackupListCommand.self,
        BackupPruneCommand.self,
        BackupVerifyCommand.self,
        RestoreCommand.self,
        DRDrillCommand.self,
        // The vector store
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
        DbBenchCommand.self,
        DbImportChromaCommand.self,
        VersionCommand.self,
    ]
}
