import Backup
import Foundation
import ObjectStore

/// `shop-summary backup`: snapshot the store, upload `<ts>/`, verify, then move `latest/`.
struct BackupCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["backup"],
        abstract: "Back up the vector store (tar.gz + manifest to <prefix>/<YYYYmmdd_HHMMSS>/, then latest/).",
        discussion: """
            Takes a consistent snapshot (the immutable files the store's manifests name at one \
            instant), so writers may keep running. The backup folder is written completely and \
            checked before latest/ moves: an interrupted backup never becomes latest. \
            --incremental uploads each immutable file once under objects/sha256/ and writes only a \
            manifest naming them. Subcommands: backup list | prune | verify.
            """,
        options: [
            BackupCommandSupport.dataDirOption, BackupCommandSupport.backupURLOption, BackupCommandSupport.sourceOption,
            OptionSpec("--incremental", help: "content-addressed files shared between backups instead of one archive"),
            OptionSpec("--compression-level", .value(placeholder: "N"), help: "gzip level 1-9 for the archive",
                       default: "6"),
            OptionSpec("--keep-days", .value(placeholder: "N"), help: "after a successful backup, prune older ones"),
            BackupCommandSupport.jsonOption,
        ])

    let dataDirectory: URL
    let backupURL: String
    let adapter: any BackupStoreAdapter
    let kind: BackupKind
    let level: Int32
    let keepDays: Int?
    let json: Bool

    init(arguments: ParsedArguments) throws {
        dataDirectory = BackupCommandSupport.dataDirectory(arguments)
        backupURL = try BackupCommandSupport.validateBackupURL(arguments)
        adapter = try BackupCommandSupport.adapter(arguments)
        kind = arguments.flag("--incremental") ? .incremental : .full
        level = Int32(try arguments.int("--compression-level", in: 1...9) ?? 6)
        keepDays = try arguments.int("--keep-days", in: 0...36_500)
        json = arguments.flag("--json")
    }

    private struct Report: Encodable {
        var backup: BackupResult
        var prune: PruneReport?
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let engine = try BackupCommandSupport.makeEngine(backupURL: backupURL, context: context, compressionLevel: level, adapter: adapter)
        let result = try await engine.backup(directory: dataDirectory, kind: kind)
        var pruned: PruneReport?
        if let keepDays {
            pruned = try await engine.prune(policy: RetentionPolicy(keepDays: keepDays), dryRun: false)
        }
        if json {
            context.print(BackupCommandSupport.json(Report(backup: result, prune: pruned)))
            return ExitCode.success
        }
        let size = result.archiveBytes.map { ", archive \(BackupCommandSupport.bytes($0))" } ?? ""
        context.print("backup \(result.timestamp.text) (\(result.kind.rawValue)) written to \(engine.store.displayURL)/\(result.timestamp.text)/ and published as latest/")
        context.print("  \(result.fileCount) files, \(BackupCommandSupport.bytes(result.totalBytes))\(size), uploaded \(BackupCommandSupport.bytes(result.uploadedBytes)) in \(String(format: "%.2f", result.seconds)) s")
        if let pruned {
            context.print("  pruned \(pruned.deleted.count) old backups (\(BackupCommandSupport.bytes(pruned.deletedBytes)))")
        }
        return ExitCode.success
    }
}
