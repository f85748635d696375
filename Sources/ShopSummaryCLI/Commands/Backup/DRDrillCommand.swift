import Backup
import Foundation
import ObjectStore

/// `shop-summary dr-drill`: the monthly disaster-recovery check as one command.
struct DRDrillCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["dr-drill"],
        abstract: "Restore the latest backup into a scratch dir, verify it, compare counts with the live store.",
        discussion: """
            The live store is never touched. Exits 0 when the backup restores and verifies; count \
            differences with the live store (writes since the backup) are reported, and make the \
            drill fail only with --strict.
            """,
        options: [BackupCommandSupport.dataDirOption, BackupCommandSupport.backupURLOption, BackupCommandSupport.sourceOption,
                  OptionSpec("--scratch-dir", .value(placeholder: "DIR"), help: "restore here (default: a temp dir)"),
                  OptionSpec("--keep-scratch", help: "leave the restored copy in the scratch dir"),
                  OptionSpec("--strict", help: "fail when counts differ from the live store"),
                  BackupCommandSupport.jsonOption])

    let dataDirectory: URL
    let backupURL: String
    let adapter: any BackupStoreAdapter
    let scratch: URL?
    let keepScratch: Bool
    let strict: Bool
    let json: Bool

    init(arguments: ParsedArguments) throws {
        dataDirectory = BackupCommandSupport.dataDirectory(arguments)
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        adapter = try BackupCommandSupport.adapter(arguments)
        scratch = arguments.value("--scratch-dir").map {
            URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL
        }
        keepScratch = arguments.flag("--keep-scratch")
        strict = arguments.flag("--strict")
        json = arguments.flag("--json")
        if keepScratch && scratch == nil {
            throw UsageError(command: "dr-drill", message: "--keep-scratch needs --scratch-dir")
        }
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context, adapter: adapter)
        let report = try await engine.drill(liveDirectory: dataDirectory, scratchDirectory: scratch,
                                            keepScratch: keepScratch)
        let failed = strict && !report.countsMatch
        if json {
            context.print(BackupCommandSupport.json(report))
            return failed ? ExitCode.failure : ExitCode.success
        }
        context.print("DR drill: backup \(report.restore.timestamp.text) from \(engine.store.displayURL)")
        context.print("  restored \(report.restore.fileCount) files (\(BackupCommandSupport.bytes(report.restore.totalBytes))) and verified in \(String(format: "%.2f", report.restore.seconds)) s")
        if !report.liveStorePresent { context.print("  live store \(dataDirectory.path) is missing: nothing to compare") }
        for row in report.comparisons {
            let live = row.live.map(String.init) ?? "-"
            let restored = row.restored.map(String.init) ?? "-"
            context.print("  \(row.collection): live \(live), backup \(restored) \(row.matches ? "ok" : "DIFFERS")")
        }
        context.print(report.countsMatch ? "result: PASS (backup matches the live store)"
            : failed ? "result: FAIL (counts differ; --strict)"
            : "result: PASS with differences (the live store changed since the backup)")
        return failed ? ExitCode.failure : ExitCode.success
    }
}
