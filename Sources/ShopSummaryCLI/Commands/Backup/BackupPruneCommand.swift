import Backup
import Foundation
import ObjectStore

/// `shop-summary backup prune`: delete backups past retention (never latest or the newest good one).
struct BackupPruneCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["backup", "prune"],
        abstract: "Delete backups older than --keep-days (never latest nor the newest complete backup).",
        discussion: """
            Keeps latest/'s backup, the newest complete backup, the newest --keep-last complete \
            backups and everything younger than --keep-days (complete or still being written). \
            Incremental objects no kept backup names are removed after a one-day grace period.
            """,
        options: [
            BackupCommandSupport.backupURLOption,
            OptionSpec("--keep-days", .value(placeholder: "N"), help: "keep backups younger than N days", default: "30"),
            OptionSpec("--keep-last", .value(placeholder: "N"), help: "always keep the newest N complete backups"),
            OptionSpec("--dry-run", help: "only print what would be deleted"),
            BackupCommandSupport.jsonOption,
        ])

    let backupURL: String
    let policy: RetentionPolicy
    let dryRun: Bool
    let json: Bool

    init(arguments: ParsedArguments) throws {
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        policy = RetentionPolicy(keepDays: try arguments.int("--keep-days", in: 0...36_500),
                                 keepLast: try arguments.int("--keep-last", in: 0...100_000))
        dryRun = arguments.flag("--dry-run")
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context)
        let report = try await engine.prune(policy: policy, dryRun: dryRun)
        if json {
            context.print(BackupCommandSupport.json(report))
            return ExitCode.success
        }
        let verb = dryRun ? "would delete" : "deleted"
        for ts in report.deleted { context.print("\(verb) \(ts.text)") }
        for kept in report.kept { context.print("kept \(kept.timestamp.text): \(kept.reasons.joined(separator: ", "))") }
        context.print("\(verb) \(report.deleted.count) backups, \(report.deletedKeys) objects, \(BackupCommandSupport.bytes(report.deletedBytes))")
        return ExitCode.success
    }
}
