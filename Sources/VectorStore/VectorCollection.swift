import Foundation
import Observability
import Synchronization

/// A named set of vectors with documents and metadata (Chroma's collection API).
///
/// Every call works on the newest committed version: reads take an immutable snapshot (never
/// blocking and never blocked by writers), writes commit optimistically (see docs/FORMAT.md,
/// "Commit protocol"). Handles are cheap and safe to share between tasks.
public final class VectorCollection: Sendable {
    /// Collection name.
    public let name: String
    /// Vector dimension (fixed at creation).
    public let dimension: Int
    /// Distance metric (fixed at creation).
    public let metric: DistanceMetric
    /// Attributes recorded at creation (e.g. embedder provider, model and dimension).
    public let attributes: [String: String]
    let incarnation: String
    let context: StoreContext
    let log: ManifestLog

    private struct State {
        var snapshot: Snapshot
        var lastListing: Double
    }
    private let state: Mutex<State>

    init(context: StoreContext, log: ManifestLog, snapshot: Snapshot) throws {
        let m = snapshot.manifest
        name = m.collection
        dimension = m.dimension
        metric = m.metric
        attributes = m.attributes
        incarnation = m.incarnation
        self.context = context
        self.log = log
        state = Mutex(State(snapshot: snapshot, lastListing: Self.now()))
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    // MARK: - Snapshots

    /// The newest committed version (probes for `version + 1`; a full listing now and then).
    func current(list: Bool = false) throws -> Snapshot {
        let (snap, lastListing) = state.withLock { ($0.snapshot, $0.lastListing) }
        var latest: Int
        let now = Self.now()
        if list || now - lastListing > context.configuration.relistInterval {
            latest = max(try log.latestVersion() ?? snap.version, snap.version)
            state.withLock { $0.lastListing = now }
        } else {
            latest = log.probe(from: snap.version)
            // Our version was pruned (we were idle past the grace period): list again.
            if latest == snap.version, !POSIXFile.exists(log.path(version: latest)) {
                latest = max(try log.latestVersion() ?? snap.version, snap.version)
                state.withLock { $0.lastListing = now }
            }
        }
        if latest == snap.version { return snap }
        let m = try log.read(version: latest)
        guard !m.deleted, m.incarnation == incarnation else {
            throw StorageError(code: .collectionNotFound,
                               message: "collection '\(name)' was deleted\(m.deleted ? "" : " and re-created") by another writer")
        }
        let fresh = try Snapshot.load(m, log: log, context: context)
        let installed = state.withLock { s -> Snapshot in
            if s.snapshot.version < fresh.version { s.snapshot = fresh }
            return s.snapshot
        }
        context.evict(in: log, keeping: Set(installed.manifest.segments.map { log.directory + "/" + $0.data.file }))
        return fresh
    }

    /// The version a reader would see now (for diagnostics and tests).
    public func version() throws -> Int { try current().version }

    // MARK: - Commit

    /// Signals that a commit must restart from scratch (its prepared files no longer fit).
    struct Restart: Error {}

    /// Runs `build` against the newest snapshot and publishes its manifest as version N+1 by
    /// exclusive create; when another writer published N+1 first, re-reads and re-applies.
    ///
    /// `build` returns nil for "nothing to change" and appends any files it wrote to `created`
    /// (removed if that attempt loses). Returns the published manifest, or nil for no change.
    @discardableResult
    func commit(_ what: String, _ build: (Snapshot, inout [String]) throws -> Manifest?) throws -> Manifest? {
        let attempts = context.configuration.maxCommitAttempts
        var lastWinner: String?
        for attempt in 0..<attempts {
            // Writers list the manifests (cheap: GC keeps few) instead of only probing, so a
            // writer never builds on anything but the newest version.
            let snap = try current(list: true)
            var created: [String] = []
            var manifest: Manifest
            do {
                guard let built = try build(snap, &created) else { return nil }
                manifest = built
            } catch {
                for f in created { try? POSIXFile.remove(f) }
                throw error
            }
            let parent = snap.manifest
            do {
                try claimNewFiles(of: manifest, over: parent)
            } catch {
                for f in created { try? POSIXFile.remove(f) }
                throw error
            }
            manifest.version = parent.version + 1
            manifest.parent = parent.commit
            manifest.commit = UUID().uuidString.lowercased()
            manifest.createdAt = StoreContext.iso8601Now()
            manifest.writer = context.writerTag
            manifest.formatVersion = StoreFormat.version
            if try log.publish(manifest) {
                // A writer whose view predates pruning could create a version below the newest;
                // the version above it then exists and was not built on ours: take ours back.
                if try publishedBelowNewer(manifest) {
                    try log.retract(version: manifest.version)
                    state.withLock { $0.lastListing = -.infinity }
                    for f in created { try? POSIXFile.remove(f) }
                    continue
                }
                try restoreClaimedFiles(of: manifest, over: parent)
                context.logger.debug("commit", [
                    "collection.name": .string(name), "commit.what": .string(what),
                    "manifest.version": .int(manifest.version), "commit.attempts": .int(attempt + 1),
                ])
                return manifest
            }
            for f in created { try? POSIXFile.remove(f) }
            lastWinner = (try? log.read(version: manifest.version))?.writer ?? lastWinner
            // Lost the race: back off a little (full jitter) and re-apply on the new version.
            let cap = min(50_000, 200 << min(attempt, 8))
            usleep(UInt32.random(in: 0...UInt32(cap)))
        }
        throw StorageError(code: .commitConflict,
                           message: "\(what) on collection '\(name)' lost \(attempts) commit races in a row; nothing was applied "
                               + "(last winning writer: \(lastWinner ?? "unknown"); retry)")
    }

    /// Refreshes the modification time of every file `manifest` names that `parent` does not (the
    /// files this writer wrote and is about to commit), right before publishing.
    ///
    /// Garbage collection removes unreferenced files older than the grace period. Without this
    /// step a writer slower than the grace period (a long index build, many commit retries) could
    /// see its files collected by another process and then publish a manifest naming missing
    /// files. With it, a file another process quarantined is taken back, a file already deleted
    /// (quarantined a grace period ago) fails the commit with a typed error (nothing is applied),
    /// and a file claimed now is young again for the rest of the grace period; a
    /// collector that judged it old just before the claim only quarantines it, and
    /// ``restoreClaimedFiles(of:over:)`` puts it back right after the publish.
    /// - Throws: `.missingFile` naming the file when it is already gone.
    func claimNewFiles(of manifest: Manifest, over parent: Manifest) throws {
        let inherited = Set(parent.files.map(\.file))
        for entry in manifest.files where !inherited.contains(entry.file) {
            let path = log.directory + "/" + entry.file
            // Quarantined by a collector but not deleted yet: take it back.
            guard try POSIXFile.touch(path) || (try log.restoreFromQuarantine(entry.file) && POSIXFile.touch(path)) else {
                throw StorageError(
                    code: .missingFile,
                    message: "uncommitted file \(path) was deleted by garbage collection before its commit (this write took longer "
                        + "than twice the \(context.configuration.gcGracePeriod) s grace period); nothing was applied, retry the write",
                    path: path)
            }
        }
    }

    /// After publishing: puts back any of this commit's files that a collector quarantined between
    /// its `stat` and the claim (the only interleaving the claim cannot prevent).
    func restoreClaimedFiles(of manifest: Manifest, over parent: Manifest) throws {
        let inherited = Set(parent.files.map(\.file))
        for entry in manifest.files where !inherited.contains(entry.file) {
            guard try log.restoreFromQuarantine(entry.file) else {
                context.logger.error("a committed file is missing", ["file.path": .string(log.directory + "/" + entry.file)])
                continue
            }
        }
    }

    /// Whether `manifest`, just published, sits below a newer version that was not built on it
    /// (a writer stalled past the grace period while versions were pruned).
    private func publishedBelowNewer(_ manifest: Manifest) throws -> Bool {
        let higher = try log.listVersions().filter { $0 > manifest.version }
        guard !higher.isEmpty else { return false }
        if higher.contains(manifest.version + 1), let next = try? log.read(version: manifest.version + 1) {
            return next.parent != manifest.commit
        }
        return true
    }

    /// A manifest for the next version, copied from `snapshot` (the committer fills the ids).
    func nextManifest(from snapshot: Snapshot) -> Manifest {
        snapshot.manifest
    }

    /// Commits the deletion of the whole collection.
    func markDeleted() throws {
        try commit("delete collection") { snap, _ in
            var m = nextManifest(from: snap)
            m.deleted = true
            m.segments = []
            m.count = 0
            return m
        }
    }

    /// Called after a successful (already durable) write: compacts when segments piled up and
    /// collects garbage now and then. Failures here are logged, never reported as a failed write.
    func afterWrite(_ manifest: Manifest) throws {
        do {
            if manifest.segments.count > context.configuration.autoCompactSegments {
                try compact(onlySmall: true)
            } else if manifest.version % 16 == 0 {
                _ = try GarbageCollector(context: context, log: log).run()
            }
        } catch let error as StorageError {
            context.logger.warning("background maintenance failed", [
                "collection.name": .string(name), "error.short": .string(error.shortDescription),
                "error.message": .string(error.message),
            ])
        }
    }
}
