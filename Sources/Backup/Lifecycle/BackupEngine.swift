import Foundation
import ObjectStore
import Observability

/// Creates, lists, prunes, verifies and restores backups of a store in an ``ObjectStore``.
///
/// Every step is written so that an interruption at any point leaves `latest/` naming a complete,
/// verified backup: a backup's files go to `<ts>/` first, its manifest last, the upload is checked,
/// and only then is `latest/` replaced (see ``BackupLayout``). Restores verify checksums, extract
/// into a temporary sibling directory, verify the store there, and swap it into place by rename.
public struct BackupEngine: Sendable {
    /// Tuning knobs, all with defaults.
    public struct Configuration: Sendable {
        /// zlib level for archives (1 fastest … 9 smallest).
        public var compressionLevel: Int32
        /// Where temporary archives and verification extractions go (default: system temp).
        public var workDirectory: URL?
        /// Recorded in manifests.
        public var toolVersion: String
        /// Parallel uploads/downloads of incremental objects.
        public var transferConcurrency: Int
        /// Also copy a full backup's archive to `latest/store.tar.gz` for plain-tool recovery.
        public var copyArchiveToLatest: Bool
        /// Unreferenced incremental objects younger than this are never pruned (in-flight backups).
        public var objectGracePeriod: TimeInterval

        /// Creates a configuration.
        public init(compressionLevel: Int32 = 6, workDirectory: URL? = nil, toolVersion: String = "unknown",
                    transferConcurrency: Int = 8, copyArchiveToLatest: Bool = true,
                    objectGracePeriod: TimeInterval = 24 * 3600) {
            self.compressionLevel = compressionLevel
            self.workDirectory = workDirectory
            self.toolVersion = toolVersion
            self.transferConcurrency = max(1, transferConcurrency)
            self.copyArchiveToLatest = copyArchiveToLatest
            self.objectGracePeriod = objectGracePeriod
        }
    }

    /// Where backups live.
    public let store: any ObjectStore
    /// How to snapshot and verify the protected store.
    public let adapter: any BackupStoreAdapter
    /// Tuning.
    public let configuration: Configuration
    /// Injected clock (tests date backups and run prune policies with it).
    public let clock: @Sendable () -> Date
    /// Logger (dotted keys: `backup.timestamp`, `backup.kind`, `error.short`).
    public let logger: Logger

    /// Creates an engine.
    public init(store: any ObjectStore, adapter: any BackupStoreAdapter, configuration: Configuration = .init(),
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = .disabled()) {
        self.store = store
        self.adapter = adapter
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    // MARK: - Shared helpers

    /// A fresh private directory for temporary files; the caller removes it.
    func makeWorkDirectory(_ purpose: String) throws -> URL {
        let base = configuration.workDirectory ?? FileManager.default.temporaryDirectory
        let dir = base.appendingPathComponent("shop-summary-\(purpose)-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw BackupError.io("cannot create work directory \(dir.path)", cause: error)
        }
        return dir
    }

    /// Runs an object-store call, wrapping its failure as ``BackupError`` `.store` with context.
    func storeCall<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as BackupError {
            throw error
        } catch let error as ObjectStoreError {
            throw BackupError(code: .store, message: "\(what) failed at \(store.displayURL)", cause: error)
        } catch {
            throw BackupError(code: .store, message: "\(what) failed at \(store.displayURL)",
                              cause: SendableErrorBox(error))
        }
    }

    /// Fetches and decodes a manifest; `.noBackup` when the key is missing.
    func fetchManifest(key: String) async throws -> BackupManifest {
        let data: Data
        do { data = try await store.get(key: key) } catch let error as ObjectStoreError where error.code == .notFound {
            throw BackupError(code: .noBackup, message: "no backup manifest at \(store.displayURL)/\(key)")
        } catch {
            throw BackupError(code: .store, message: "reading \(key) failed at \(store.displayURL)",
                              cause: (error as? ObjectStoreError) ?? SendableErrorBox(error))
        }
        return try BackupManifest.decode(data, source: "\(store.displayURL)/\(key)")
    }

    /// Runs `body` over `items` with at most ``Configuration/transferConcurrency`` in flight.
    func forEachConcurrently<T: Sendable, R: Sendable>(
        _ items: [T], _ body: @escaping @Sendable (T) async throws -> R
    ) async throws -> [R] {
        var results: [R] = []
        results.reserveCapacity(items.count)
        try await withThrowingTaskGroup(of: R.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<configuration.transferConcurrency {
                guard let item = iterator.next() else { break }
                group.addTask { try await body(item) }
            }
            while let result = try await group.next() {
                results.append(result)
                if let item = iterator.next() { group.addTask { try await body(item) } }
            }
        }
        return results
    }
}
