import Foundation
import Observability
import Synchronization

/// What every collection handle of one ``VectorDatabase`` shares: paths, configuration, logger
/// and a cache of loaded segments (immutable files, keyed by absolute path).
final class StoreContext: Sendable {
    let root: String
    let configuration: VectorDatabase.Configuration
    let logger: Logger
    private let segments = Mutex<[String: Segment]>([:])
    let writerTag: String

    init(root: String, configuration: VectorDatabase.Configuration, logger: Logger) {
        self.root = root
        self.configuration = configuration
        self.logger = logger
        writerTag = "\(ProcessInfo.processInfo.hostName) \(getpid())"
    }

    var collectionsDirectory: String { root + "/" + StoreFormat.collectionsDirectory }

    func log(for name: String) -> ManifestLog {
        ManifestLog(directory: collectionsDirectory + "/" + name)
    }

    /// The loaded segment for a manifest entry (loads and verifies it on first use).
    func segment(_ entry: SegmentEntry, in log: ManifestLog, dimension: Int) throws -> Segment {
        let path = log.directory + "/" + entry.data.file
        if let cached = segments.withLock({ $0[path] }) { return cached }
        let loaded = try Segment(path: path, checksum: entry.data.checksum, size: entry.data.bytes,
                                 dimension: dimension, rows: entry.rows)
        return segments.withLock { cache in
            if let raced = cache[path] { return raced }
            cache[path] = loaded
            return loaded
        }
    }

    /// Drops cached segments of `log` that `keep` does not name (old snapshots keep theirs alive).
    func evict(in log: ManifestLog, keeping keep: Set<String>) {
        let prefix = log.directory + "/"
        segments.withLock { cache in
            for key in cache.keys where key.hasPrefix(prefix) && !keep.contains(key) { cache[key] = nil }
        }
    }

    static func iso8601Now() -> String {
        Date().formatted(.iso8601)
    }
}
