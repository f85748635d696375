import Backup
import Foundation
import ObjectStore
import Observability
import Providers
import VectorStore

/// The `init` and `backup` steps of `run`: restore the vector store from the newest good backup
/// when it is missing; with no backup either, create it and import the shipped example
/// summaries; after the batch, back it up.
public struct StoreLifecycle: Sendable {
    public var dataDirectory: URL
    /// Shown in notes, e.g. `file://./.shop-summary/backups` or `s3://bucket/prefix`.
    public var backupURL: String
    /// The backup engine (any object store; the vector-store adapter in production).
    public var engine: BackupEngine
    /// Examples imported into a new store (`samples/examples.jsonl` by default).
    public var examplesFile: URL
    public var embedder: any Embedder
    public var logger: Logger

    public init(dataDirectory: URL, backupURL: String, engine: BackupEngine, examplesFile: URL, embedder: any Embedder,
                logger: Logger = .disabled()) {
        self.dataDirectory = dataDirectory
        self.backupURL = backupURL
        self.engine = engine
        self.examplesFile = examplesFile
        self.embedder = embedder
        self.logger = logger
    }

    /// Restores when missing; creates and seeds when there is no backup; imports examples into
    /// any missing example collection. Returns a one-line note.
    public func initialize() async throws -> String {
        var note: String
        switch try await engine.initialize(directory: dataDirectory) {
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
        let result = try await engine.backup(directory: dataDirectory)
        return "\(engine.store.displayURL)/\(result.timestamp)/ (\(result.fileCount) files, \(result.totalBytes) bytes)"
    }
}
