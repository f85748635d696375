import CryptoSupport
import Foundation
import Synchronization
import VectorIndex

/// Where a live row is: segment position in the snapshot and row ordinal in the segment.
struct RowRef: Sendable, Hashable {
    var segment: Int
    var row: Int
}

/// One segment as seen by one manifest version: the data plus which rows are deleted.
struct LiveSegment: Sendable {
    let entry: SegmentEntry
    let segment: Segment
    /// Sorted deleted row ordinals.
    let deletedRows: [UInt32]
    /// `true` at deleted rows; nil when nothing is deleted.
    let deletedMask: [Bool]?

    func isLive(_ row: Int) -> Bool { deletedMask.map { !$0[row] } ?? true }
}

/// An immutable view of one collection at one manifest version. Reads run entirely against a
/// snapshot, so a concurrent commit never changes what a running `get` or `query` sees.
final class Snapshot: Sendable {
    let manifest: Manifest
    let segments: [LiveSegment]
    private let idIndexCache = Mutex<[String: RowRef]?>(nil)
    private let textIndexCache = Mutex<TextIndex?>(nil)
    private let filterMaskCache = Mutex<[MetadataFilter: [[Bool]]]>([:])

    /// Per segment, which rows are live and pass `filter` (cached per snapshot: repeated
    /// queries with the same filter, the common case, skip re-evaluating it).
    func allowedMasks(_ filter: MetadataFilter) throws -> [[Bool]] {
        if let cached = filterMaskCache.withLock({ $0[filter] }) { return cached }
        var masks: [[Bool]] = []
        masks.reserveCapacity(segments.count)
        for live in segments {
            let metas = try live.segment.allMetadata()
            masks.append((0..<live.segment.rowCount).map { live.isLive($0) && filter.matches(metas[$0]) })
        }
        filterMaskCache.withLock { cache in
            if cache.count >= 32 { cache.removeAll() }
            cache[filter] = masks
        }
        return masks
    }

    /// BM25 over the live documents of this snapshot; `refs[id]` locates BM25 document `id`.
    struct TextIndex: Sendable {
        let bm25: BM25Index
        let refs: [RowRef]
    }

    /// The BM25 index of this snapshot's documents (built once per snapshot, on first use).
    func textIndex() -> TextIndex {
        if let cached = textIndexCache.withLock({ $0 }) { return cached }
        var bm25 = BM25Index()
        var refs: [RowRef] = []
        for (s, live) in segments.enumerated() {
            for r in 0..<live.segment.rowCount where live.isLive(r) {
                guard let doc = live.segment.document(r) else { continue }
                bm25.add(id: Int32(refs.count), text: doc)
                refs.append(RowRef(segment: s, row: r))
            }
        }
        let built = TextIndex(bm25: bm25, refs: refs)
        textIndexCache.withLock { $0 = built }
        return built
    }

    init(manifest: Manifest, segments: [LiveSegment]) {
        self.manifest = manifest
        self.segments = segments
    }

    /// Loads every segment and tombstone file `manifest` names, verifying their checksums.
    static func load(_ manifest: Manifest, log: ManifestLog, context: StoreContext) throws -> Snapshot {
        var live: [LiveSegment] = []
        live.reserveCapacity(manifest.segments.count)
        for entry in manifest.segments {
            let segment = try context.segment(entry, in: log, dimension: manifest.dimension, metric: manifest.metric)
            var deleted: [UInt32] = []
            var mask: [Bool]?
            if let t = entry.tombstones {
                let path = log.directory + "/" + t.file
                let bytes = try log.restoringIfQuarantined(t.file) { try POSIXFile.readAll(path, maxBytes: 64 << 20) }
                guard Int64(bytes.count) == t.bytes else {
                    throw StorageError.corrupt(path, "size is \(bytes.count) bytes, manifest says \(t.bytes)")
                }
                let actual = "sha256:" + SHA256.hexHash(Data(bytes))
                guard actual == t.checksum else {
                    throw StorageError.corrupt(path, "checksum mismatch (manifest \(t.checksum), file \(actual))")
                }
                deleted = try TombstoneFile.decode(bytes, rowCount: segment.rowCount, path: path)
                guard deleted.count == entry.deleted else {
                    throw StorageError.corrupt(path, "holds \(deleted.count) rows, manifest says \(entry.deleted)")
                }
                var m = [Bool](repeating: false, count: segment.rowCount)
                for r in deleted { m[Int(r)] = true }
                mask = m
            }
            live.append(LiveSegment(entry: entry, segment: segment, deletedRows: deleted, deletedMask: mask))
        }
        let total = live.reduce(0) { $0 + $1.segment.rowCount - $1.deletedRows.count }
        guard total == manifest.count else {
            throw StorageError.corrupt(log.path(version: manifest.version),
                                       "manifest count \(manifest.count) differs from live rows \(total)")
        }
        return Snapshot(manifest: manifest, segments: live)
    }

    var version: Int { manifest.version }

    /// id → location of every live row (built once per snapshot).
    func idIndex() -> [String: RowRef] {
        if let cached = idIndexCache.withLock({ $0 }) { return cached }
        var index: [String: RowRef] = Dictionary(minimumCapacity: manifest.count)
        for (s, live) in segments.enumerated() {
            let ids = live.segment.allIDs()
            for r in 0..<live.segment.rowCount where live.isLive(r) {
                index[ids[r]] = RowRef(segment: s, row: r)
            }
        }
        idIndexCache.withLock { $0 = index }
        return index
    }

    /// The full record at `ref`.
    func record(_ ref: RowRef, includeVector: Bool) throws -> VectorRecord {
        let seg = segments[ref.segment].segment
        return VectorRecord(id: seg.id(ref.row), vector: includeVector ? Array(seg.vector(ref.row)) : [],
                            document: seg.document(ref.row), metadata: try seg.metadata(ref.row))
    }

    /// Whether the stored row at `ref` equals `record` exactly (vector bits, document, metadata).
    func rowEquals(_ ref: RowRef, _ record: VectorRecord) throws -> Bool {
        let seg = segments[ref.segment].segment
        guard seg.document(ref.row) == record.document else { return false }
        let v = seg.vector(ref.row)
        guard v.count == record.vector.count else { return false }
        for i in 0..<v.count where v[i].bitPattern != record.vector[i].bitPattern { return false }
        return Array(seg.metadataBytes(ref.row)) == MetadataCodec.encode(record.metadata)
    }
}

