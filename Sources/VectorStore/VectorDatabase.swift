import Foundation
import Observability
import VectorIndex

/// An embedded vector database in one directory: named collections of vectors with documents
/// and metadata, safe for several processes (and hosts on NFS) at once without locks.
///
/// Opening a missing or empty directory creates the store; several processes doing so at the
/// same time all succeed. See docs/FORMAT.md for the files and the commit protocol.
public final class VectorDatabase: Sendable {
    /// Tunables; every field has a default.
    public struct Configuration: Sendable {
        /// Unreferenced files and superseded manifests are deleted only after this many seconds,
        /// so readers holding an older version keep working.
        public var gcGracePeriod: Double
        /// The newest manifests kept regardless of age.
        public var keepManifests: Int
        /// Rows per segment file; larger batches are split into several segments committed together.
        public var maxSegmentRows: Int
        /// Optimistic commit attempts before giving up with `.commitConflict`.
        public var maxCommitAttempts: Int
        /// A commit that leaves more segments than this compacts the collection.
        public var autoCompactSegments: Int
        /// Seconds between full listings of a collection's manifests (probing covers the rest).
        public var relistInterval: Double
        /// Segments with at least this many rows get a persisted HNSW index.
        public var hnswMinRows: Int
        /// HNSW graph parameters for new indexes (`efSearch` is used at query time).
        public var hnsw: HNSWIndex.Configuration
        /// Whether a new index for a cosine or inner-product segment may be the exact projection
        /// index (``ProjectedRows``), used when the segment's rows are low-rank enough for it to
        /// prune; false always builds HNSW.
        public var projectionIndex: Bool
        /// Chooses exact scan or HNSW per segment and query.
        public var planner: SearchPlanner

        /// Creates a configuration.
        public init(gcGracePeriod: Double = 300, keepManifests: Int = 1, maxSegmentRows: Int = 50_000,
                    maxCommitAttempts: Int = 500, autoCompactSegments: Int = 16, relistInterval: Double = 30,
                    hnswMinRows: Int = 4096, hnsw: HNSWIndex.Configuration = .init(),
                    planner: SearchPlanner = .init(), projectionIndex: Bool = true) {
            self.gcGracePeriod = gcGracePeriod
            self.keepManifests = max(1, keepManifests)
            self.maxSegmentRows = max(1, maxSegmentRows)
            self.maxCommitAttempts = max(1, maxCommitAttempts)
            self.autoCompactSegments = max(2, autoCompactSegments)
            self.relistInterval = relistInterval
            self.hnswMinRows = max(1, hnswMinRows)
            self.hnsw = hnsw
            self.planner = planner
            self.projectionIndex = projectionIndex
        }
    }

    /// The store directory.
    public let directory: URL
    let context: StoreContext

    /// Opens the store in `directory`, creating it first unless `createIfMissing` is false.
    ///
    /// Read-only callers (`db get`, `query`, `stats`, `verify`) pass `createIfMissing: false`, so
    /// a mistyped path is an error instead of a new, empty store that "verifies".
    /// - Throws: ``StorageError`` `.storeNotFound` when the directory holds no store and
    ///   `createIfMissing` is false, `.formatVersion` for a store written by a newer format,
    ///   `.corruptFile` for a damaged marker file, `.io` when the directory cannot be created.
    public init(directory: URL, configuration: Configuration = .init(), logger: Logger = .disabled(),
                createIfMissing: Bool = true) throws {
        self.directory = directory.standardizedFileURL
        let root = self.directory.path
        context = StoreContext(root: root, configuration: configuration, logger: logger)
        let marker = root + "/" + StoreFormat.markerFile
        if !createIfMissing && !POSIXFile.exists(marker) {
            let what = POSIXFile.exists(root) ? "holds no vector store (no \(StoreFormat.markerFile) file)" : "does not exist"
            throw StorageError(code: .storeNotFound, message: "\(root) \(what)", path: root)
        }
        try POSIXFile.makeDirectories(root + "/" + StoreFormat.collectionsDirectory)
        if !POSIXFile.exists(marker) {
            let body = "{\"format\":\"shop-summary-vector-store\",\"formatVersion\":\(StoreFormat.version)}\n"
            // Exclusive: when several processes initialise at once, one marker wins, all succeed.
            _ = try AtomicFile.publish(Array(body.utf8), to: marker, exclusive: true)
        }
        let bytes = try POSIXFile.readAll(marker, maxBytes: 4096)
        guard let json = try? JSONValue(parsing: bytes), json["format"] == .string("shop-summary-vector-store"),
              case .int(let version)? = json["formatVersion"]
        else { throw StorageError.corrupt(marker, "not a shop-summary vector store marker") }
        guard version <= StoreFormat.version else {
            throw StorageError(code: .formatVersion,
                               message: "store \(root) has format version \(version); this build reads up to \(StoreFormat.version)",
                               path: marker)
        }
    }

    // MARK: - Collections

    /// Creates a collection.
    /// - Throws: `.collectionExists`, `.invalidArgument` (bad name or dimension).
    public func createCollection(name: String, dimension: Int, metric: DistanceMetric = .cosine,
                                 attributes: [String: String] = [:]) throws -> VectorCollection {
        try Self.validate(name: name)
        guard dimension > 0, dimension <= SegmentFormat.maxDimension else {
            throw StorageError.invalid("dimension must be in 1...\(SegmentFormat.maxDimension), got \(dimension)")
        }
        let log = context.log(for: name)
        try log.prepare()
        for _ in 0..<context.configuration.maxCommitAttempts {
            let latest = try log.latestVersion()
            var parent: String?
            if let latest {
                let current = try log.read(version: latest)
                if !current.deleted { throw StorageError(code: .collectionExists, message: "collection '\(name)' already exists") }
                parent = current.commit
            }
            let manifest = Manifest(
                formatVersion: StoreFormat.version, collection: name, version: (latest ?? 0) + 1,
                commit: UUID().uuidString.lowercased(), parent: parent, incarnation: UUID().uuidString.lowercased(),
                deleted: false, dimension: dimension, metric: metric, attributes: attributes, count: 0,
                segments: [], createdAt: StoreContext.iso8601Now(), writer: context.writerTag)
            if try log.publish(manifest) {
                context.logger.info("collection created", ["collection.name": .string(name)])
                return try VectorCollection(context: context, log: log, snapshot: Snapshot(manifest: manifest, segments: []))
            }
        }
        throw StorageError(code: .commitConflict, message: "could not create collection '\(name)': too many concurrent commits")
    }

    /// Opens an existing collection.
    /// - Throws: `.collectionNotFound`, `.corruptFile`/`.missingFile` naming a damaged file.
    public func collection(named name: String) throws -> VectorCollection {
        try Self.validate(name: name)
        let log = context.log(for: name)
        guard let latest = try log.latestVersion() else {
            throw StorageError(code: .collectionNotFound, message: "collection '\(name)' does not exist")
        }
        let manifest = try log.read(version: latest)
        if manifest.deleted { throw StorageError(code: .collectionNotFound, message: "collection '\(name)' does not exist (deleted)") }
        return try VectorCollection(context: context, log: log, snapshot: Snapshot.load(manifest, log: log, context: context))
    }

    /// Opens a collection, creating it when missing. An existing collection must have the same
    /// dimension and metric.
    /// - Throws: `.dimensionMismatch` when it exists with another dimension or metric.
    public func getOrCreateCollection(name: String, dimension: Int, metric: DistanceMetric = .cosine,
                                      attributes: [String: String] = [:]) throws -> VectorCollection {
        for _ in 0..<3 {
            do {
                let existing = try collection(named: name)
                guard existing.dimension == dimension, existing.metric == metric else {
                    throw StorageError(code: .dimensionMismatch,
                                       message: "collection '\(name)' has dimension \(existing.dimension) and metric \(existing.metric.rawValue); asked for \(dimension)/\(metric.rawValue)")
                }
                return existing
            } catch let error as StorageError where error.code == .collectionNotFound {
                do {
                    return try createCollection(name: name, dimension: dimension, metric: metric, attributes: attributes)
                } catch let error as StorageError where error.code == .collectionExists {
                    continue  // another process created it first; open theirs
                }
            }
        }
        return try collection(named: name)
    }

    /// Names of collection folders (live or not).
    func collectionNames() throws -> [String] {
        try POSIXFile.list(context.collectionsDirectory).filter { (try? Self.validate(name: $0)) != nil }.sorted()
    }

    /// Every live collection, sorted by name. Reads only manifests (cheap); verifies their checksums.
    public func listCollections() throws -> [CollectionInfo] {
        try listCollections(verifyFiles: false)
    }

    /// Every live collection; with `verifyFiles`, also checks the size and SHA-256 of every file
    /// the manifests name (a damaged file throws `.corruptFile`/`.missingFile` naming it).
    public func listCollections(verifyFiles: Bool) throws -> [CollectionInfo] {
        var result: [CollectionInfo] = []
        for name in try collectionNames() {
            let log = context.log(for: name)
            guard let latest = try log.latestVersion() else { continue }
            let m = try log.read(version: latest)
            if m.deleted { continue }
            if verifyFiles {
                for f in m.files {
                    let path = log.directory + "/" + f.file
                    let (checksum, size) = try log.restoringIfQuarantined(f.file) { try POSIXFile.checksum(path) }
                    guard size == f.bytes else {
                        throw StorageError.corrupt(path, "size is \(size) bytes, manifest says \(f.bytes) (truncated or replaced)")
                    }
                    guard checksum == f.checksum else {
                        throw StorageError.corrupt(path, "checksum mismatch (manifest \(f.checksum), file \(checksum))")
                    }
                }
            }
            let manifestBytes = try POSIXFile.status(log.path(version: latest))?.size ?? 0
            let bytes = m.files.reduce(manifestBytes) { $0 + $1.bytes }
            result.append(CollectionInfo(name: name, dimension: m.dimension, metric: m.metric, count: m.count,
                                         bytes: bytes, attributes: m.attributes))
        }
        return result
    }

    /// Deletes a collection: commits a deletion manifest, then frees its files once the grace
    /// period has passed (immediately when `gcGracePeriod` is 0).
    /// - Throws: `.collectionNotFound`.
    public func deleteCollection(named name: String) throws {
        let handle = try collection(named: name)
        try handle.markDeleted()
        try GarbageCollector(context: context, log: handle.log).run()
    }

    /// Store-wide figures (manifests only, checksums verified).
    public func stats() throws -> StoreStats {
        try stats(verifyFiles: false)
    }

    /// Store-wide figures; with `verifyFiles`, every named file's size and checksum is checked
    /// too (what `db stats` does, so a flipped byte anywhere is reported).
    public func stats(verifyFiles: Bool) throws -> StoreStats {
        let collections = try listCollections(verifyFiles: verifyFiles)
        return StoreStats(collections: collections, totalBytes: collections.reduce(0) { $0 + $1.bytes },
                          formatVersion: StoreFormat.version)
    }

    /// Relative paths (from ``directory``) of every file a consistent copy needs: the newest
    /// manifest of each collection at one instant, the files it names, and the store marker.
    /// All of them are immutable, so copying them in any order gives a consistent backup.
    public func snapshotFiles() throws -> [String] {
        var files = [StoreFormat.markerFile]
        for name in try collectionNames() {
            let log = context.log(for: name)
            guard let latest = try log.latestVersion() else { continue }
            let m = try log.read(version: latest)
            let base = StoreFormat.collectionsDirectory + "/" + name + "/"
            files.append(base + "manifests/" + ManifestLog.name(version: latest))
            files += m.files.map { base + $0.file }
        }
        return files
    }

    /// Runs garbage collection on every collection (prunes old manifests and unreferenced files
    /// older than the grace period). Returns the number of files removed.
    @discardableResult
    public func collectGarbage() throws -> Int {
        try collectionNames().reduce(0) { $0 + (try GarbageCollector(context: context, log: context.log(for: $1)).run()) }
    }

    /// Collection names: 1–128 characters of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
    static func validate(name: String) throws {
        let ok = !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F
                    || b == 0x2D
            }
            && name.utf8.first.map { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) } == true
        guard ok else {
            throw StorageError.invalid("invalid collection name '\(name)': use 1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit")
        }
    }
}
