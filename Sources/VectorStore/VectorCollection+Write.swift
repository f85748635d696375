import VectorIndex
import Foundation
import Synchronization

extension VectorCollection {
    // MARK: - Public writes

    /// Adds new records. All or nothing: either every record is committed or none is.
    /// - Throws: `.duplicateID` (an id exists or repeats in the batch), `.dimensionMismatch`,
    ///   `.invalidArgument` (empty id, non-finite values).
    public func add(_ records: [VectorRecord]) throws {
        try validate(records)
        guard !records.isEmpty else { return }
        let entries = try writeSegments(RecordRows(records: records[...], dimension: dimension))
        var committed = false
        defer { if !committed { removeFiles(entries) } }
        let manifest = try commit("add") { snap, _ in
            let index = snap.idIndex()
            if let existing = records.first(where: { index[$0.id] != nil }) {
                throw StorageError(code: .duplicateID, message: "id '\(existing.id)' already exists in collection '\(name)'")
            }
            var m = nextManifest(from: snap)
            m.segments += entries
            m.count += records.count
            return m
        }
        committed = true
        if let manifest { try afterWrite(manifest) }
    }

    /// Inserts new records and replaces existing ones with the same id. Re-upserting a row that
    /// is already stored exactly (vector, document, metadata) changes nothing and writes nothing.
    /// - Throws: `.duplicateID` (an id repeats in the batch), `.dimensionMismatch`, `.invalidArgument`.
    public func upsert(_ records: [VectorRecord]) throws {
        try validate(records)
        for _ in 0..<context.configuration.maxCommitAttempts {
            let base = try current()
            let baseIndex = base.idIndex()
            var changed: [VectorRecord] = []
            var unchanged: [(VectorRecord, RowRef)] = []
            for r in records {
                if let ref = baseIndex[r.id], try base.rowEquals(ref, r) { unchanged.append((r, ref)) } else { changed.append(r) }
            }
            if changed.isEmpty {
                return
            }
            let entries = try writeSegments(RecordRows(records: changed[...], dimension: dimension))
            var committed = false
            defer { if !committed { removeFiles(entries) } }
            do {
                let manifest = try commit("upsert") { snap, created in
                    let index = snap.idIndex()
                    // Rows skipped as identical must still be identical in this version.
                    if snap.version != base.version {
                        for (r, _) in unchanged {
                            guard let ref = index[r.id], try snap.rowEquals(ref, r) else { throw Restart() }
                        }
                    }
                    let refs = changed.compactMap { index[$0.id] }
                    var m = nextManifest(from: snap)
                    try applyDeletions(refs, snapshot: snap, to: &m, created: &created)
                    m.segments += entries
                    m.count += changed.count
                    return m
                }
                committed = true
                if let manifest { try afterWrite(manifest) }
                return
            } catch is Restart {
                continue
            }
        }
        throw StorageError(code: .commitConflict, message: "upsert on collection '\(name)' kept conflicting; nothing was applied")
    }

    /// Updates existing records. An empty `vector` keeps the stored vector, a nil `document` keeps
    /// the stored document, and `metadata` is merged into the stored metadata (given keys win).
    /// - Throws: `.idNotFound` when an id does not exist (nothing is applied), `.duplicateID`,
    ///   `.dimensionMismatch`.
    public func update(_ records: [VectorRecord]) throws {
        try validate(records, allowEmptyVector: true)
        guard !records.isEmpty else { return }
        var written: [SegmentEntry] = []
        let manifest = try commit("update") { snap, created in
            removeFiles(written)
            written = []
            let index = snap.idIndex()
            var merged: [VectorRecord] = []
            var refs: [RowRef] = []
            for r in records {
                guard let ref = index[r.id] else {
                    throw StorageError(code: .idNotFound, message: "update: id '\(r.id)' does not exist in collection '\(name)'")
                }
                let old = try snap.record(ref, includeVector: r.vector.isEmpty)
                var new = r
                if new.vector.isEmpty { new.vector = old.vector }
                if new.document == nil { new.document = old.document }
                new.metadata = old.metadata.merging(r.metadata) { _, given in given }
                merged.append(new)
                refs.append(ref)
            }
            written = try writeSegments(RecordRows(records: merged[...], dimension: dimension))
            created += written.flatMap { [$0.data] + ($0.index.map { [$0] } ?? []) }.map { log.directory + "/" + $0.file }
            var m = nextManifest(from: snap)
            try applyDeletions(refs, snapshot: snap, to: &m, created: &created)
            m.segments += written
            m.count += merged.count
            return m
        }
        if let manifest { try afterWrite(manifest) }
    }

    /// Deletes rows by id, metadata filter and/or document filter (several given: rows matching
    /// all), as Chroma's `delete(ids, where, where_document)`.
    /// - Returns: the number of rows deleted.
    /// - Throws: `.invalidArgument` when no ids and no filter are given.
    @discardableResult
    public func delete(ids: [String]? = nil, where filter: MetadataFilter? = nil,
                       whereDocument: DocumentFilter? = nil) throws -> Int {
        guard ids != nil || filter != nil || whereDocument != nil else {
            throw StorageError.invalid("delete needs ids, a where filter or a where-document filter")
        }
        var deleted = 0
        let manifest = try commit("delete") { snap, created in
            let refs = try matchingRefs(snap, ids: ids, where: filter, whereDocument: whereDocument)
            guard !refs.isEmpty else { return nil }
            var m = nextManifest(from: snap)
            try applyDeletions(refs, snapshot: snap, to: &m, created: &created)
            deleted = refs.count
            return m
        }
        if let manifest { try afterWrite(manifest) }
        return manifest == nil ? 0 : deleted
    }

    // MARK: - Helpers

    func validate(_ records: [VectorRecord], allowEmptyVector: Bool = false) throws {
        var seen = Set<String>(minimumCapacity: records.count)
        for r in records {
            guard !r.id.isEmpty else { throw StorageError.invalid("empty id in a batch for collection '\(name)'") }
            guard seen.insert(r.id).inserted else {
                throw StorageError(code: .duplicateID, message: "id '\(r.id)' appears twice in one batch for collection '\(name)'")
            }
            if allowEmptyVector && r.vector.isEmpty { continue }
            guard r.vector.count == dimension else {
                throw StorageError(code: .dimensionMismatch,
                                   message: "record '\(r.id)' has \(r.vector.count) dimensions; collection '\(name)' has \(dimension)")
            }
            guard r.vector.allSatisfy(\.isFinite) else {
                throw StorageError.invalid("record '\(r.id)' has a NaN or infinite vector component")
            }
        }
    }

    /// Writes rows as one or more new segment files (not yet committed), then their indexes.
    func writeSegments<S: SegmentRowSource>(_ rows: S) throws -> [SegmentEntry] {
        var entries: [SegmentEntry] = []
        let per = context.configuration.maxSegmentRows
        do {
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + per)
                entries.append(try writeSegmentFile(SliceRows(base: rows, range: start..<end)))
                start = end
            }
            try buildIndexes(&entries)
        } catch {
            removeFiles(entries)
            throw error
        }
        return entries
    }

    private func writeSegmentFile<S: SegmentRowSource>(_ rows: S) throws -> SegmentEntry {
        // A store restored from a backup may lack empty folders.
        try log.prepare()
        let file = "data/seg-" + UUID().uuidString.lowercased() + ".vseg"
        let temp = AtomicFile.tempPath(in: log.dataDirectory)
        let (checksum, size) = try SegmentWriter.write(rows, to: temp)
        let path = log.directory + "/" + file
        _ = try AtomicFile.publishSynced(temp: temp, to: path, exclusive: false)
        return SegmentEntry(data: FileEntry(file: file, bytes: size, checksum: checksum), rows: rows.count,
                            tombstones: nil, deleted: 0, index: nil)
    }

    /// Builds and writes the index of every new segment that will be searched through one,
    /// one graph per core (a 100k-row batch makes two 50k segments: two cores, half the time).
    /// Indexes written before a failure are recorded in `entries`, so the caller removes them.
    private func buildIndexes(_ entries: inout [SegmentEntry]) throws {
        let config = context.configuration
        let todo = entries.indices.filter {
            entries[$0].rows >= config.hnswMinRows && config.planner.needsIndex(rowCount: entries[$0].rows, dimension: dimension)
        }
        guard !todo.isEmpty else { return }
        let segments = entries
        let (directory, dim, metric, log) = (log.directory, dimension, metric, log)
        // One dedicated thread per segment, at most one per core at a time. (`concurrentPerform`
        // ran the iterations one after the other on the calling thread in this runtime, and the
        // global queue stalls when the caller itself holds the only pool thread: DedicatedThread.)
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var results: [Int: Result<FileEntry, any Error>] = [:]
        var start = 0
        while start < todo.count {
            let wave = todo[start..<min(todo.count, start + width)]
            let workers = wave.map { i in
                let e = segments[i]
                return (i, DedicatedThread(name: "segment-index") { () -> Result<FileEntry, any Error> in
                    Result {
                        let segment = try Segment(path: directory + "/" + e.data.file, checksum: e.data.checksum, size: e.data.bytes,
                                                  dimension: dim, rows: e.rows)
                        return try SegmentIndexes.write(for: segment, metric: metric, configuration: config, log: log)
                    }
                })
            }
            for (i, worker) in workers { results[i] = worker.wait() }
            start += wave.count
        }
        var firstError: (any Error)?
        for (i, result) in results.sorted(by: { $0.key < $1.key }) {
            switch result {
            case .success(let index): entries[i].index = index
            case .failure(let error): firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }

    func removeFiles(_ entries: [SegmentEntry]) {
        for e in entries {
            for f in [e.data] + (e.tombstones.map { [$0] } ?? []) + (e.index.map { [$0] } ?? []) {
                try? POSIXFile.remove(log.directory + "/" + f.file)
            }
        }
    }

    /// Adds `refs` to the tombstones of their segments in `manifest` (new tombstone files).
    func applyDeletions(_ refs: [RowRef], snapshot: Snapshot, to manifest: inout Manifest, created: inout [String]) throws {
        guard !refs.isEmpty else { return }
        try log.prepare()
        var bySegment: [Int: [UInt32]] = [:]
        for r in refs { bySegment[r.segment, default: []].append(UInt32(r.row)) }
        for (s, rows) in bySegment {
            let live = snapshot.segments[s]
            let all = Array(Set(live.deletedRows).union(rows)).sorted()
            let file = "data/del-" + UUID().uuidString.lowercased() + ".vdel"
            let path = log.directory + "/" + file
            let bytes = TombstoneFile.encode(all)
            _ = try AtomicFile.publish(bytes, to: path, exclusive: true)
            created.append(path)
            let (checksum, size) = try POSIXFile.checksum(path)
            manifest.segments[s].tombstones = FileEntry(file: file, bytes: size, checksum: checksum)
            manifest.segments[s].deleted = all.count
            manifest.count -= all.count - live.deletedRows.count
        }
        // Fully deleted segments are dropped from the manifest.
        manifest.segments.removeAll { $0.deleted == $0.rows }
    }
}

/// A contiguous range of another row source.
struct SliceRows<Base: SegmentRowSource>: SegmentRowSource {
    let base: Base
    let range: Range<Int>
    var count: Int { range.count }
    var dimension: Int { base.dimension }
    func withVector<R>(_ i: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try base.withVector(range.lowerBound + i, body)
    }
    func id(_ i: Int) -> String { base.id(range.lowerBound + i) }
    func document(_ i: Int) -> String? { base.document(range.lowerBound + i) }
    func appendMetadata(_ i: Int, to out: inout [UInt8]) throws { try base.appendMetadata(range.lowerBound + i, to: &out) }
}
