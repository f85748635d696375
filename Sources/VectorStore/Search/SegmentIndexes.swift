import Foundation
import Synchronization
import VectorIndex

/// HNSW indexes of segments: building one for a new segment, loading a persisted one (checksum
/// and structure verified), and rebuilding from the segment's rows when the file is missing or
/// damaged.
enum SegmentIndexes {
    static func indexMetric(_ metric: DistanceMetric) -> IndexMetric {
        switch metric {
        case .cosine: .cosine
        case .ip: .innerProduct
        case .l2: .l2
        }
    }

    /// Builds an index over every row of `segment` (row ids = row ordinals).
    static func build(_ segment: Segment, metric: DistanceMetric, configuration: HNSWIndex.Configuration) throws -> HNSWIndex {
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
    static func write(for segment: Segment, metric: DistanceMetric, configuration: HNSWIndex.Configuration,
                      log: ManifestLog) throws -> FileEntry {
        let index = try build(segment, metric: metric, configuration: configuration)
        let file = "data/hnsw-" + UUID().uuidString.lowercased() + ".hnsw"
        let path = log.directory + "/" + file
        _ = try AtomicFile.publish(index.serialized(includeVectors: false), to: path, exclusive: true)
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

    /// Loads a persisted index, verifying size, checksum and structure.
    /// - Throws: `.missingFile` or `.corruptFile` naming the index file.
    static func load(_ entry: FileEntry, segment: Segment, metric: DistanceMetric, log: ManifestLog) throws -> HNSWIndex {
        let path = log.directory + "/" + entry.file
        let bytes = try POSIXFile.readAll(path, maxBytes: Int.max / 2)
        guard Int64(bytes.count) == entry.bytes else {
            throw StorageError.corrupt(path, "size is \(bytes.count) bytes, manifest says \(entry.bytes)")
        }
        let actual = "sha256:" + SHA256Hex.of(bytes)
        guard actual == entry.checksum else {
            throw StorageError.corrupt(path, "checksum mismatch (manifest \(entry.checksum), file \(actual))")
        }
        let index: HNSWIndex
        do {
            index = try HNSWIndex(serialized: bytes, vectors: indexVectors(segment, metric: metric))
        } catch {
            throw StorageError(code: .corruptFile, message: "corrupt store file \(path): \(error)", path: path, cause: error)
        }
        guard index.count == segment.rowCount, index.dimension == segment.dimension, index.metric == indexMetric(metric) else {
            throw StorageError.corrupt(path, "index does not match its segment (rows \(index.count)/\(segment.rowCount))")
        }
        return index
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
