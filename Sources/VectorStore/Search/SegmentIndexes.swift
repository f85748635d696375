import Foundation
import Synchronization
import VectorIndex

/// The persisted search index of one large segment.
enum SegmentIndex: Sendable {
    /// An HNSW graph (approximate; any metric).
    case hnsw(HNSWIndex)
    /// Projected coordinates with certified bounds (exact; cosine and inner product on rows whose
    /// energy lies mostly in a low-dimensional subspace).
    case projection(ProjectedRows)

    /// The file bytes.
    func serialized() -> [UInt8] {
        switch self {
        case .hnsw(let index): index.serialized(includeVectors: false)
        case .projection(let index): index.serialized()
        }
    }

    /// A new file name inside the collection directory.
    func newFileName() -> String {
        switch self {
        case .hnsw: "data/hnsw-" + UUIDString.make() + ".hnsw"
        case .projection: "data/proj-" + UUIDString.make() + ".vproj"
        }
    }

    /// `hnsw` or `projection` (logs, plans).
    var kind: String {
        switch self {
        case .hnsw: "hnsw"
        case .projection: "projection"
        }
    }
}

/// Indexes of large segments: building one for a new segment (a projection index when the rows
/// are low-rank enough for its bounds to prune, else HNSW), loading a persisted one (checksum and
/// structure verified), and rebuilding from the segment's rows when the file is missing or damaged.
enum SegmentIndexes {
    static func indexMetric(_ metric: DistanceMetric) -> IndexMetric {
        switch metric {
        case .cosine: .cosine
        case .ip: .innerProduct
        case .l2: .l2
        }
    }

    /// Builds the index of every row of `segment`: the exact projection index when enabled, the
    /// metric ranks by dot product (cosine, ip) and the rows' bounds prune; otherwise HNSW.
    static func build(_ segment: Segment, metric: DistanceMetric,
                      configuration: VectorDatabase.Configuration) throws -> SegmentIndex {
        if configuration.projectionIndex, metric != .l2,
           let projected = ProjectedRows.build(rows: segment.vectors, rowCount: segment.rowCount, dimension: segment.dimension,
                                               normalize: metric == .cosine) {
            return .projection(projected)
        }
        return .hnsw(try buildHNSW(segment, metric: metric, configuration: configuration.hnsw))
    }

    /// Builds an HNSW graph over every row of `segment` (row ids = row ordinals).
    static func buildHNSW(_ segment: Segment, metric: DistanceMetric, configuration: HNSWIndex.Configuration) throws -> HNSWIndex {
        var index = HNSWIndex(dimension: segment.dimension, metric: indexMetric(metric), configuration: configuration)
        index.reserveCapacity(segment.rowCount)
        do {
            _ = try index.insert(contentsOf: UnsafeBufferPointer(start: segment.vectors, count: segment.rowCount * segment.dimension))
        } catch {
            throw StorageError(code: .internal, message: "building the HNSW index of \(segment.path) failed", path: segment.path,
                               cause: error)
        }
        return index
    }

    /// Builds and writes the index file for a freshly written segment.
    static func write(for segment: Segment, metric: DistanceMetric, configuration: VectorDatabase.Configuration,
                      log: ManifestLog) throws -> FileEntry {
        try publish(build(segment, metric: metric, configuration: configuration), log: log)
    }

    /// Writes `index` as a new file of the collection (exclusive create) and returns its entry.
    static func publish(_ index: SegmentIndex, log: ManifestLog) throws -> FileEntry {
        let file = index.newFileName()
        let path = log.directory + "/" + file
        _ = try AtomicFile.publish(index.serialized(), to: path, exclusive: true)
        let (checksum, size) = try POSIXFile.checksum(path)
        return FileEntry(file: file, bytes: size, checksum: checksum)
    }

    /// The segment's vectors as the index expects them (normalised for cosine).
    static func indexVectors(_ segment: Segment, metric: DistanceMetric) -> [Float] {
        var v = Array(UnsafeBufferPointer(start: segment.vectors, count: segment.rowCount * segment.dimension))
        if metric == .cosine {
            v.withUnsafeMutableBufferPointer { VectorMath.normalizeRows($0, dimension: segment.dimension) }
        }
        return v
    }

    /// Loads a persisted index (either kind, told apart by its magic), verifying size, checksum
    /// and structure, and that it matches its segment.
    /// - Throws: `.missingFile` or `.corruptFile` naming the index file.
    static func load(_ entry: FileEntry, segment: Segment, metric: DistanceMetric, log: ManifestLog) throws -> SegmentIndex {
        let path = log.directory + "/" + entry.file
        let bytes = try log.restoringIfQuarantined(entry.file) { try POSIXFile.readAll(path, maxBytes: Int.max / 2) }
        guard Int64(bytes.count) == entry.bytes else {
            throw StorageError.corrupt(path, "size is \(bytes.count) bytes, manifest says \(entry.bytes)")
        }
        let actual = "sha256:" + SHA256Hex.of(bytes)
        guard actual == entry.checksum else {
            throw StorageError.corrupt(path, "checksum mismatch (manifest \(entry.checksum), file \(actual))")
        }
        do {
            if ProjectedRows.hasMagic(bytes) {
                let index = try ProjectedRows(serialized: bytes)
                guard index.rowCount == segment.rowCount, index.dimension == segment.dimension,
                      index.normalized == (metric == .cosine), metric != .l2 else {
                    throw StorageError.corrupt(path, "projection index does not match its segment (rows \(index.rowCount)/\(segment.rowCount), "
                                               + "dimension \(index.dimension)/\(segment.dimension), metric \(metric.rawValue))")
                }
                return .projection(index)
            }
            let index = try HNSWIndex(serialized: bytes, vectors: indexVectors(segment, metric: metric))
            guard index.count == segment.rowCount, index.dimension == segment.dimension, index.metric == indexMetric(metric) else {
                throw StorageError.corrupt(path, "index does not match its segment (rows \(index.count)/\(segment.rowCount))")
            }
            return .hnsw(index)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(code: .corruptFile, message: "corrupt store file \(path): \(error)", path: path, cause: error)
        }
    }
}

/// Hex SHA-256 of a byte array.
enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { raw in
            var h = CryptoSupport.SHA256()
            h.update(raw)
            return Hex.encode(h.finalize())
        }
    }
}

import CryptoSupport
