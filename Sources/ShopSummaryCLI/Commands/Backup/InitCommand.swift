import Backup
import Foundation
import ObjectStore

/// `shop-summary init`: restore the store when it is missing or damaged; otherwise keep it.
struct InitCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["init"],
        abstract: "Restore the vector store from the latest good backup when it is missing or damaged.",
        discussion: """
            Keeps a store that exists and passes verification. A missing store is restored from \
            latest/; a damaged one is moved aside (<dir>.replaced-…) and restored. If latest/ is \
            damaged, older complete backups are tried, newest first. With no backup at all, exits 0 \
            and the store starts empty.
            """,
        options: [BackupCommandSupport.dataDirOption, BackupCommandSupport.backupURLOption, BackupCommandSupport.sourceOption,
                  BackupCommandSupport.jsonOption])

    let dataDirectory: URL
    let backupURL: String
    let adapter: any BackupStoreAdapter
    let json: Bool

    init(arguments: ParsedArguments) throws {
        dataDirectory = BackupCommandSupport.dataDirectory(arguments)
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        adapter = try BackupCommandSupport.adapter(arguments)
        json = arguments.flag("--json")
    }

    private struct Report: Encodable {
        var action: String
        var dataDir: String
        var backup: String?
        var reason: String?
        var movedAside: String?
        var summary: StoreSummary?
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context, adapter: adapter)
        let outcome = try await engine.initialize(directory: dataDirectory)
        let report: Report
        switch outcome {
        case .kept(let summary):
            report = Report(action: "kept", dataDir: dataDirectory.path, summary: summary)
            if !json { context.print("store \(dataDirectory.path) is present and verified (\(BackupCommandSupport.describe(summary))); kept") }
        case .restored(let result, let reason, let aside):
            report = Report(action: "restored", dataDir: dataDirectory.path, backup: result.timestamp.text,
                            reason: reason, movedAside: aside, summary: result.summary)
            if !json {
                context.print("restored backup \(result.timestamp.text) from \(engine.store.displayURL) into \(dataDirectory.path) (\(BackupCommandSupport.describe(result.summary)))")
                context.print("reason: \(reason)")
                if let aside { context.print("the previous store was moved to \(aside)") }
            }
        case .noBackupYet:
            report = Report(action: "none", dataDir: dataDirectory.path,
                            reason: "store missing and no backup at \(engine.store.displayURL)")
            if !json { context.print("no store at \(dataDirectory.path) and no backup at \(engine.store.displayURL) yet; starting with an empty store") }
        }
        if json { context.print(BackupCommandSupport.json(report)) }
        return ExitCode.success
    }
}
