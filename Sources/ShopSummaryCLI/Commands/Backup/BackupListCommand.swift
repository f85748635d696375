import Backup
import Foundation
import ObjectStore

/// `shop-summary backup list`: every backup under the prefix, with completeness and latest.
struct BackupListCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["backup", "list"],
        abstract: "List backups (timestamp, kind, size, complete, latest).",
        options: [BackupCommandSupport.backupURLOption, BackupCommandSupport.jsonOption])

    let backupURL: String
    let json: Bool

    init(arguments: ParsedArguments) throws {
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context)
        let rows = try await engine.list()
        if json {
            context.print(BackupCommandSupport.json(rows))
            return ExitCode.success
        }
        if rows.isEmpty {
            context.print("no backups at \(engine.store.displayURL)")
            return ExitCode.success
        }
        context.print("TIMESTAMP        KIND         FILES  STORED      STATUS")
        for row in rows {
            let kind = (row.kind?.rawValue ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0)
            let files = String(row.fileCount ?? 0).leftPadded(5)
            let stored = BackupCommandSupport.bytes(row.storedBytes).padding(toLength: 11, withPad: " ", startingAt: 0)
            let status = row.complete ? (row.isLatest ? "complete, latest" : "complete") : "INCOMPLETE"
            context.print("\(row.timestamp.text)  \(kind) \(files)  \(stored) \(status)")
        }
        return ExitCode.success
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
