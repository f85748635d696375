import Backup
import Foundation
import ObjectStore
import Observability
import Providers
import VectorStore

/// The `init` and `backup` steps of `run`: restore the vector store from the newest good backup
/// when it is missing; with no backup either, create it and import the shipped example
/// summaries; after the batch, back it up.
/// Seam: uses the Backup module's engine with its directory adapter and `file://` stores until a
/// store-aware adapter and the S3 store are wired in (then only ``engine()`` changes).
public struct StoreLifecycle: Sendable {
    public var dataDirectory: URL
    /// `file://PATH` (relative paths allowed, e.g. `file://./.shop-summary/backups`).
    public var backupURL: String
    /// Examples imported into a new store (`samples/examples.jsonl` by default).
    public var examplesFile: URL
    public var embedder: any Embedder
    public var logger: Logger

    public init(dataDirectory: URL, backupURL: String, examplesFile: URL, embedder: any Embedder,
                logger: Logger = .disabled()) {
        self.dataDirectory = dataDirectory
        self.backupURL = backupURL
        self.examplesFile = examplesFile
        self.embedder = embedder
        self.logger = logger
    }

    /// The backup engine for ``backupURL``.
    /// - Throws: ``PipelineError`` `.invalidArgument` for unsupported URLs.
    public func engine() throws -> BackupEngine {
        guard backupURL.hasPrefix("file://") else {
            throw PipelineError(code: .invalidArgument,
                                message: "backup URL '\(backupURL)': run supports file:// here; use the backup/restore commands for s3://")
        }
        let path = String(backupURL.dropFirst("file://".count))
        guard !path.isEmpty else { throw PipelineError(code: .invalidArgument, message: "backup URL has no path") }
        return BackupEngine(store: LocalObjectStore(rootURL: URL(fileURLWithPath: path)), adapter: DirectoryStoreAdapter(),
                            logger: logger)
    }

    /// Restores when missing; creates and seeds when there is no backup; imports examples into
    /// any missing example collection. Returns a one-line note.
    public func initialize() async throws -> String {
        var note: String
        switch try await engine().initialize(directory: dataDirectory) {
        case .kept: note = "store present and verified"
        case .restored(let result, let reason, _): note = "restored backup \(result.timestamp) (\(reason))"
        case .noBackupYet: note = "no store and no backup: created a new store"
        }
        let database: VectorDatabase
        do { database = try VectorDatabase(directory: dataDirectory, logger: logger) } catch {
            throw PipelineError(code: .store, message: "cannot open the vector store at \(dataDirectory.path)", cause: error)
        }
        let existing = Set(try database.listCollections().filter { $0.count > 0 }.map(\.name))
        let missing = ShopCategory.allCases.filter { !existing.contains($0.examplesCollection) }
        if !missing.isEmpty {
            let examples = try ExampleLibrary.loadFile(examplesFile).filter { missing.contains($0.category) }
            let counts = try await ExampleLibrary(database: database, embedder: embedder).importExamples(examples)
            note += "; imported \(counts.values.reduce(0, +)) examples from \(examplesFile.path) into "
                + missing.map(\.examplesCollection).joined(separator: ", ")
        }
        logger.info("init.done", ["note": .string(note)])
        return note
    }

    /// Backs the store up; returns where.
    public func backup() async throws -> String {
        let result = try await engine().backup(directory: dataDirectory)
        return "\(backupURL)/\(result.timestamp)/ (\(result.fileCount) files, \(result.totalBytes) bytes)"
    }
}
