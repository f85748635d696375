import Backup
import Foundation
import ObjectStore

/// `shop-summary restore`: verify a backup, extract it to a temp dir, swap it into place.
struct RestoreCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["restore"],
        abstract: "Restore the vector store from a backup (verified, extracted beside it, swapped in by rename).",
        discussion: """
            Refuses archives with absolute paths, '..', links or device files. The current store is \
            replaced only after the restored copy verified; --keep-previous moves it aside instead \
            of deleting it.
            """,
        options: [BackupCommandSupport.dataDirOption, BackupCommandSupport.backupURLOption, BackupCommandSupport.sourceOption,
                  BackupCommandSupport.atOption,
                  OptionSpec("--keep-previous", help: "move the current store to <dir>.replaced-… instead of deleting it"),
                  BackupCommandSupport.jsonOption])

    let dataDirectory: URL
    let backupURL: String
    let adapter: any BackupStoreAdapter
    let selector: BackupSelector
    let keepPrevious: Bool
    let json: Bool

    init(arguments: ParsedArguments) throws {
        dataDirectory = BackupCommandSupport.dataDirectory(arguments)
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        adapter = try BackupCommandSupport.adapter(arguments)
        selector = try BackupCommandSupport.selector(arguments)
        keepPrevious = arguments.flag("--keep-previous")
        json = arguments.flag("--json")
    }

    private struct Report: Encodable {
        var restore: RestoreResult
        var dataDir: String
        var movedAside: String?
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context, adapter: adapter)
        let (result, aside) = try await engine.restore(selector, into: dataDirectory, keepPrevious: keepPrevious)
        if json {
            context.print(BackupCommandSupport.json(Report(restore: result, dataDir: dataDirectory.path, movedAside: aside)))
        } else {
            context.print("restored backup \(result.timestamp.text) into \(dataDirectory.path): \(result.fileCount) files, \(BackupCommandSupport.describe(result.summary))")
            if let aside { context.print("previous store moved to \(aside)") }
        }
        return ExitCode.success
    }
}
