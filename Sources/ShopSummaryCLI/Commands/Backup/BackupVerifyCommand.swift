import Backup
import Foundation
import ObjectStore

/// `shop-summary backup verify`: download, check every checksum, open the store, smoke query.
struct BackupVerifyCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["backup", "verify"],
        abstract: "Verify a backup: download it, check checksums, open the store in a temp dir, run a smoke query.",
        discussion: "Exits non-zero on any problem (65 damaged, 66 missing, 69 storage unreachable).",
        options: [BackupCommandSupport.backupURLOption, BackupCommandSupport.sourceOption, BackupCommandSupport.atOption, BackupCommandSupport.jsonOption])

    let backupURL: String
    let adapter: any BackupStoreAdapter
    let selector: BackupSelector
    let json: Bool

    init(arguments: ParsedArguments) throws {
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        adapter = try BackupCommandSupport.adapter(arguments)
        selector = try BackupCommandSupport.selector(arguments)
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context, adapter: adapter)
        let result = try await engine.verify(selector)
        if json {
            context.print(BackupCommandSupport.json(result))
        } else {
            context.print("backup \(result.timestamp.text) (\(selector)) is good: \(result.fileCount) files, \(BackupCommandSupport.bytes(result.totalBytes)), checksums match, store verified (\(BackupCommandSupport.describe(result.summary)))")
        }
        return ExitCode.success
    }
}
