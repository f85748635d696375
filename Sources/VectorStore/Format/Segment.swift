import CryptoSupport
import Foundation
import Synchronization
import VectorIndex

/// One immutable segment file held in memory: mapped read-only (`mmap`) on a local filesystem,
/// read with `read(2)` into a 64-byte aligned buffer everywhere else. On NFS (EFS) another client
/// deleting a mapped file turns page faults into SIGBUS, so shared volumes are always read; on a
/// local filesystem a deleted file stays valid while mapped, and mapping skips a copy into fresh
/// anonymous memory (opening a 26 MB segment: 23 ms instead of 31 ms on the benchmark VM).
///
/// Everything is validated at load either way: checksum, magics, version, dimension, row count,
/// every section boundary and every end offset.
final class Segment: @unchecked Sendable {
    // @unchecked: the buffer is written once in `init` and only read afterwards; the lazy
    // caches are guarded by `Mutex`.
    let path: String
    let rowCount: Int
    let dimension: Int
    private let buffer: UnsafeRawBufferPointer
    /// Whether `buffer` is a read-only mapping (`munmap`) rather than an allocation.
    private let mapped: Bool
    /// Row-major vectors, `rowCount × dimension`.
    let vectors: UnsafePointer<Float>
    /// L2 norm of each row.
    let norms: UnsafePointer<Float>
    private let idStart: Int, docStart: Int, metaStart: Int, flagsStart: Int
    private let idEnds: UnsafePointer<UInt64>, docEnds: UnsafePointer<UInt64>, metaEnds: UnsafePointer<UInt64>
    private let metadataCache = Mutex<[Metadata]?>(nil)
    private let idCache = Mutex<[String]?>(nil)
    private let quantizedCache = Mutex<QuantizedRows?>(nil)

    /// Loads and validates the file at `path`, whose manifest entry says `checksum`/`size`.
    ///
    /// - Parameters:
    ///   - mapLocal: map the file when it is on a local filesystem (``LocalFileSystem``).
    ///   - quantizeFor: build the quantised codes for this metric on another thread while the
    ///     checksum is computed (they are kept only if the file verifies).
    init(path: String, checksum: String, size: Int64, dimension expectedDim: Int, rows expectedRows: Int,
         mapLocal: Bool = true, quantizeFor metric: DistanceMetric? = nil) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            if err == ENOENT { throw StorageError.missing(path) }
            throw StorageError.syscall("open", path: path, errno: err)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.syscall("fstat", path: path, errno: errno) }
        guard Int64(st.st_size) == size else {
            throw StorageError.corrupt(path, "size is \(st.st_size) bytes, manifest says \(size) (truncated or replaced)")
        }
        guard size >= SegmentFormat.headerSize + SegmentFormat.footerSize, size < Int64(Int.max / 2) else {
            throw StorageError.corrupt(path, "size \(size) is too small for a segment")
        }
        let count = Int(size)
        let mapping = mapLocal ? LocalFileSystem.map(fd: fd, bytes: count) : nil
        let buf: UnsafeRawBufferPointer
        if let mapping {
            buf = mapping
        } else {
            let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
            // Before the first touch: a few 2 MiB faults instead of thousands of 4 KiB ones, and
            // fewer TLB misses in every scan.
            if count >= HugePages.threshold, let base = owned.baseAddress { HugePages.advise(base, bytes: count) }
            let got: Int
            do {
                got = try POSIXFile.readFully(fd: fd, into: owned, path: path)
            } catch {
                owned.deallocate()
                throw error
            }
            buf = UnsafeRawBufferPointer(owned)
            guard got == count else {
                owned.deallocate()
                throw StorageError.corrupt(path, "short read (\(got) of \(count) bytes)")
            }
        }
        var ok = false
        defer { if !ok { Self.release(buf, mapped: mapping != nil) } }
        // The vector section's bounds come from the manifest and the file size, so coding it in
        // parallel with the checksum reads only inside the buffer even if the file is damaged.
        let early = metric.flatMap { Self.startQuantizing(buf, rows: expectedRows, dimension: expectedDim, metric: $0) }
        var hasher = SHA256()
        hasher.update(buf)
        let actual = "sha256:" + Hex.encode(hasher.finalize())
        let precoded = early?.wait()
        guard actual == checksum else {
            throw StorageError.corrupt(path, "checksum mismatch (manifest \(checksum), file \(actual))")
        }
        let r = ByteReader(UnsafeRawBufferPointer(buf), path: path)
        guard Array(try r.bytes(at: 0, count: 8)) == SegmentFormat.magic else { throw StorageError.corrupt(path, "bad header magic") }
        let version = try r.u32(at: 8)
        guard version == SegmentFormat.version else {
            throw StorageError(code: .formatVersion, message: "segment \(path) has format version \(version), this build reads \(SegmentFormat.version)", path: path)
        }
        let dim = Int(try r.u32(at: 12))
        let rows = try r.length(at: 16, limit: count / 4, "row count")
        let f = count - SegmentFormat.footerSize
        guard Array(try r.bytes(at: f + 88, count: 8)) == SegmentFormat.footerMagic else { throw StorageError.corrupt(path, "bad footer magic") }
        guard dim == expectedDim, dim > 0, dim <= SegmentFormat.maxDimension else {
            throw StorageError.corrupt(path, "dimension \(dim), manifest says \(expectedDim)")
        }
        guard rows == expectedRows, try r.length(at: f + 56, limit: count, "footer row count") == rows,
              Int(try r.u32(at: f + 64)) == dim
        else { throw StorageError.corrupt(path, "row count \(rows), manifest says \(expectedRows)") }
        guard try r.u32(at: f + 68) == version, try r.u64(at: f + 80) == 0, try r.bytes(at: 24, count: 40).allSatisfy({ $0 == 0 }) else {
            throw StorageError.corrupt(path, "footer version or a reserved (zero) field disagrees with the format")
        }
        // Sections, in file order, each inside the file and after the previous one.
        let vectorBytes = rows.multipliedReportingOverflow(by: dim * 4)
        guard !vectorBytes.overflow else { throw StorageError.corrupt(path, "vector section size overflows") }
        let normsStart = SegmentFormat.headerSize + vectorBytes.partialValue
        guard try r.length(at: f + 72, limit: count, "norms offset") == normsStart else {
            throw StorageError.corrupt(path, "norms offset does not follow the vectors")
        }
        try r.check(normsStart, rows * 4, "norms")
        let starts = try (0..<7).map { try r.length(at: f + $0 * 8, limit: f, "section offset") }
        guard starts[0] >= normsStart + rows * 4, zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw StorageError.corrupt(path, "section offsets out of order")
        }
        let (ids, docs, metas, flags, idEndsAt, docEndsAt, metaEndsAt) =
            (starts[0], starts[1], starts[2], starts[3], starts[4], starts[5], starts[6])
        try r.check(flags, rows, "flags")
        guard flags + rows <= idEndsAt, idEndsAt % 8 == 0, docEndsAt == idEndsAt + rows * 8,
              metaEndsAt == docEndsAt + rows * 8, metaEndsAt + rows * 8 == f
        else { throw StorageError.corrupt(path, "end-offset tables misplaced") }
        guard let base = buf.baseAddress else { throw StorageError.corrupt(path, "empty buffer") }
        // Every end offset must be monotonic and inside its section.
        let tables: [(Int, Int)] = [(idEndsAt, docs - ids), (docEndsAt, metas - docs), (metaEndsAt, flags - metas)]
        for (at, limit) in tables {
            let ends = (base + at).assumingMemoryBound(to: UInt64.self)
            var previous: UInt64 = 0
            for i in 0..<rows {
                let e = UInt64(littleEndian: ends[i])
                guard e >= previous, e <= UInt64(limit) else {
                    throw StorageError.corrupt(path, "row \(i) has an end offset outside its section")
                }
                previous = e
            }
            guard rows == 0 || previous == UInt64(limit) else {
                throw StorageError.corrupt(path, "section length does not match its last end offset")
            }
        }
        rowCount = rows
        dimension = dim
        buffer = buf
        mapped = mapping != nil
        quantizedCache.withLock { $0 = precoded }
        vectors = UnsafePointer((base + SegmentFormat.headerSize).assumingMemoryBound(to: Float.self))
        norms = UnsafePointer((base + normsStart).assumingMemoryBound(to: Float.self))
        idStart = ids; docStart = docs; metaStart = metas; flagsStart = flags
        idEnds = UnsafePointer((base + idEndsAt).assumingMemoryBound(to: UInt64.self))
        docEnds = UnsafePointer((base + docEndsAt).assumingMemoryBound(to: UInt64.self))
        metaEnds = UnsafePointer((base + metaEndsAt).assumingMemoryBound(to: UInt64.self))
        ok = true
    }

    deinit { Self.release(buffer, mapped: mapped) }

    /// Starts coding the vector section of `buffer` on a thread of its own, when it fits the buffer.
    private static func startQuantizing(_ buffer: UnsafeRawBufferPointer, rows: Int, dimension: Int,
                                        metric: DistanceMetric) -> PendingCodes? {
        let bytes = rows.multipliedReportingOverflow(by: dimension * 4)
        guard let base = buffer.baseAddress, rows > 0, dimension > 0, !bytes.overflow,
              SegmentFormat.headerSize + bytes.partialValue <= buffer.count
        else { return nil }
        let vectors = UnsafePointer((base + SegmentFormat.headerSize).assumingMemoryBound(to: Float.self))
        return PendingCodes(name: "segment-codes") { Self.code(vectors, rows: rows, dimension: dimension, metric: metric) }
    }

    private static func code(_ vectors: UnsafePointer<Float>, rows: Int, dimension: Int, metric: DistanceMetric) -> QuantizedRows {
        QuantizedRows(rows: vectors, rowCount: rows, dimension: dimension, normalize: metric == .cosine,
                      ranking: metric == .l2 ? .negativeHalfSquaredL2 : .dot)
    }

    private static func release(_ buffer: UnsafeRawBufferPointer, mapped: Bool) {
        if mapped {
            LocalFileSystem.unmap(buffer)
        } else {
            buffer.deallocate()
        }
    }

    /// Bytes held in memory.
    var byteCount: Int { buffer.count }

    private func range(_ ends: UnsafePointer<UInt64>, _ start: Int, _ i: Int) -> UnsafeRawBufferPointer {
        let lo = i == 0 ? 0 : Int(ends[i - 1])
        let hi = Int(ends[i])
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(buffer.baseAddress! + start + lo), count: hi - lo)
    }

    /// Row `i`'s vector.
    func vector(_ i: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: vectors + i * dimension, count: dimension)
    }

    /// Row `i`'s id.
    func id(_ i: Int) -> String {
        if let cached = idCache.withLock({ $0 }) { return cached[i] }
        return String(decoding: range(idEnds, idStart, i), as: UTF8.self)
    }

    /// All ids, decoded once and cached.
    func allIDs() -> [String] {
        if let cached = idCache.withLock({ $0 }) { return cached }
        let ids = (0..<rowCount).map { String(decoding: range(idEnds, idStart, $0), as: UTF8.self) }
        idCache.withLock { $0 = ids }
        return ids
    }

    /// Row `i`'s document, nil when the row has none.
    func document(_ i: Int) -> String? {
        guard buffer.load(fromByteOffset: flagsStart + i, as: UInt8.self) & 1 != 0 else { return nil }
        return String(decoding: range(docEnds, docStart, i), as: UTF8.self)
    }

    /// Row `i`'s encoded metadata.
    func metadataBytes(_ i: Int) -> UnsafeRawBufferPointer { range(metaEnds, metaStart, i) }

    /// Row `i`'s metadata.
    func metadata(_ i: Int) throws -> Metadata {
        if let cached = metadataCache.withLock({ $0 }) { return cached[i] }
        return try MetadataCodec.decode(metadataBytes(i), path: path)
    }

    /// The 8-bit copy of the rows for the quantised exact scan, built on first use and cached
    /// (normalised rows for cosine, L2 ranking for `l2`).
    func quantized(_ metric: DistanceMetric) -> QuantizedRows {
        if let cached = quantizedCache.withLock({ $0 }) { return cached }
        let built = Self.code(vectors, rows: rowCount, dimension: dimension, metric: metric)
        return quantizedCache.withLock { cache in
            if let cache { return cache }
            cache = built
            return built
        }
    }

    /// Every row's metadata, decoded once and cached (filters).
    func allMetadata() throws -> [Metadata] {
        if let cached = metadataCache.withLock({ $0 }) { return cached }
        let all = try (0..<rowCount).map { try MetadataCodec.decode(metadataBytes($0), path: path) }
        metadataCache.withLock { $0 = all }
        return all
    }
}

/// Codes being built on another thread; `wait()` blocks until they are ready. The caller always
/// waits before releasing the segment buffer the work reads.
private typealias PendingCodes = DedicatedThread<QuantizedRows?>
