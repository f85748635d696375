import Backup
import Foundation
import ObjectStore
import Observability

/// Options and wiring shared by `init`, `backup …`, `restore` and `dr-drill`.
enum BackupCommandSupport {
    static let defaultDataDir = "./.shop-summary/db"
    static let defaultBackupURL = "file://./.shop-summary/backups"

    static let dataDirOption = OptionSpec("--data-dir", .value(placeholder: "DIR"),
                                          help: "vector store directory", default: defaultDataDir)
    static let backupURLOption = OptionSpec(
        "--backup-url", .value(placeholder: "URL"),
        help: "where backups live: file://DIR (relative to the current directory) or s3://BUCKET/PREFIX",
        default: defaultBackupURL)
    static let jsonOption = OptionSpec("--json", help: "print the result as JSON")
    static let atOption = OptionSpec("--at", .value(placeholder: "latest|TIMESTAMP"),
                                     help: "which backup (YYYYmmdd_HHMMSS)", default: "latest")

    static let sourceOption = OptionSpec(
        "--source", .value(placeholder: "store|directory"),
        help: "what --data-dir holds: a vector store, or any directory (every file; no store verification)",
        default: "store")

    /// The adapter `--source` selects.
    static func adapter(_ arguments: ParsedArguments) throws -> any BackupStoreAdapter {
        switch try arguments.choice("--source", ["store", "directory"]) ?? "store" {
        case "directory": DirectoryStoreAdapter()
        default: VectorStoreAdapter()
        }
    }

    /// The data directory, resolved against the current directory.
    static func dataDirectory(_ arguments: ParsedArguments) -> URL {
        let text = arguments.value("--data-dir") ?? defaultDataDir
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return text.hasPrefix("/") ? URL(fileURLWithPath: text).standardizedFileURL
            : cwd.appendingPathComponent(text).standardizedFileURL
    }

    /// Validates `--backup-url` early (usage error for unknown schemes).
    static func validateBackupURL(_ arguments: ParsedArguments) throws -> String {
        let url = arguments.value("--backup-url") ?? defaultBackupURL
        let command = arguments.commandPath.joined(separator: " ")
        if url.hasPrefix("s3://") { return url }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard BackupLocation.localDirectory(for: url, currentDirectory: cwd) != nil else {
            throw UsageError(command: command, message: "unsupported --backup-url '\(url)' (use file://DIR or s3://BUCKET/PREFIX)")
        }
        return url
    }

    /// Opens the object store a backup URL names (`file://`, plain path, `s3://` with the
    /// standard AWS credential chain and `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL`).
    static func openStore(_ url: String, context: CommandContext) throws -> any ObjectStore {
        do {
            return try ObjectStoreFactory(environment: context.environment, logger: context.logger).open(url)
        } catch let error as ObjectStoreError {
            throw BackupError(code: error.code == .invalidURL ? .invalidArgument : .store,
                              message: "cannot open backup location \(url)", cause: error)
        }
    }

    /// An engine for the given backup URL.
    static func makeEngine(backupURL: String, context: CommandContext, compressionLevel: Int32 = 6,
                           adapter: any BackupStoreAdapter = VectorStoreAdapter()) throws -> BackupEngine {
        let store = try openStore(backupURL, context: context)
        let configuration = BackupEngine.Configuration(compressionLevel: compressionLevel,
                                                       toolVersion: "shop-summary \(RootCommand.version)")
        return BackupEngine(store: store, adapter: adapter, configuration: configuration,
                            logger: context.logger.with(["backup.url": .string(store.displayURL)]))
    }

    static func selector(_ arguments: ParsedArguments) throws -> BackupSelector {
        let text = arguments.value("--at") ?? "latest"
        do { return try BackupSelector(parsing: text) } catch let error as BackupError {
            throw UsageError(command: arguments.commandPath.joined(separator: " "), message: error.message)
        }
    }

    /// Pretty, sorted JSON of an `Encodable` value.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func bytes(_ count: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: count, countStyle: .binary)
    }

    static func describe(_ summary: StoreSummary) -> String {
        let records = summary.collections.values.reduce(0, +)
        return "\(summary.collections.count) collections, \(records) records"
    }
}
