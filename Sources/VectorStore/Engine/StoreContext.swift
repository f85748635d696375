import Foundation
import Observability
import Synchronization
import VectorIndex

/// What every collection handle of one ``VectorDatabase`` shares: paths, configuration, logger
/// and a cache of loaded segments (immutable files, keyed by absolute path).
final class StoreContext: Sendable {
    let root: String
    let configuration: VectorDatabase.Configuration
    let logger: Logger
    private let segments = Mutex<[String: Segment]>([:])
    /// Segment indexes by segment data path (loaded, or rebuilt when the file was damaged).
    private let indexes = Mutex<[String: SegmentIndex]>([:])
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

    /// The loaded segment for a manifest entry (loads and verifies it on first use). When the
    /// planner will scan it quantised, its codes are built while its checksum is verified.
    func segment(_ entry: SegmentEntry, in log: ManifestLog, dimension: Int, metric: DistanceMetric) throws -> Segment {
        let path = log.directory + "/" + entry.data.file
        if let cached = segments.withLock({ $0[path] }) { return cached }
        let quantize = configuration.planner.prefersQuantizedScan(rowCount: entry.rows, dimension: dimension)
        let loaded = try log.restoringIfQuarantined(entry.data.file) {
            try Segment(path: path, checksum: entry.data.checksum, size: entry.data.bytes,
                        dimension: dimension, rows: entry.rows, quantizeFor: quantize ? metric : nil)
        }
        return segments.withLock { cache in
            if let raced = cache[path] { return raced }
            cache[path] = loaded
            return loaded
        }
    }

    /// The index of a segment: cached, else loaded from its file, else (missing or damaged file)
    /// rebuilt from the segment's rows; `repair` is then called with the rebuilt index.
    func index(_ entry: SegmentEntry, segment: Segment, metric: DistanceMetric, log: ManifestLog,
               repair: (SegmentIndex, StorageError) -> Void) throws -> SegmentIndex? {
        guard let file = entry.index else { return nil }
        if let cached = indexes.withLock({ $0[segment.path] }) { return cached }
        let index: SegmentIndex
        do {
            index = try SegmentIndexes.load(file, segment: segment, metric: metric, log: log)
        } catch let error as StorageError {
            logger.warning("rebuilding damaged segment index", [
                "file.path": .string(log.directory + "/" + file.file), "error.short": .string(error.shortDescription),
            ])
            index = try SegmentIndexes.build(segment, metric: metric, configuration: configuration)
            repair(index, error)
        }
        indexes.withLock { $0[segment.path] = index }
        return index
    }

    /// Drops cached segments of `log` that `keep` does not name (old snapshots keep theirs alive).
    func evict(in log: ManifestLog, keeping keep: Set<String>) {
        let prefix = log.directory + "/"
        segments.withLock { cache in
            for key in cache.keys where key.hasPrefix(prefix) && !keep.contains(key) { cache[key] = nil }
        }
        indexes.withLock { cache in
            for key in cache.keys where key.hasPrefix(prefix) && !keep.contains(key) { cache[key] = nil }
        }
    }

    static func iso8601Now() -> String {
        Date().formatted(.iso8601)
    }
}
