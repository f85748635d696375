/// Constants of the segment file format (docs/FORMAT.md, "Segment files").
enum SegmentFormat {
    /// First 8 bytes of every segment file.
    static let magic: [UInt8] = Array("SSVSEG01".utf8)
    /// Last 8 bytes of every segment file.
    static let footerMagic: [UInt8] = Array("SSVSEGND".utf8)
    /// Segment layout version.
    static let version: UInt32 = 1
    static let headerSize = 64
    static let footerSize = 96
    /// Largest dimension accepted from disk.
    static let maxDimension = 65_536
}

#if _endian(big)
#error("The store format is little-endian; big-endian hosts are not supported.")
#endif

/// Random-access rows to be written into a segment.
protocol SegmentRowSource {
    var count: Int { get }
    var dimension: Int { get }
    /// Calls `body` with row `i`'s vector (exactly `dimension` floats).
    func withVector<R>(_ i: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R
    func id(_ i: Int) -> String
    func document(_ i: Int) -> String?
    /// Appends row `i`'s encoded metadata (``MetadataCodec``) to `out`.
    func appendMetadata(_ i: Int, to out: inout [UInt8]) throws
}

/// Rows taken from caller records.
struct RecordRows: SegmentRowSource {
    let records: ArraySlice<VectorRecord>
    let dimension: Int
    var count: Int { records.count }

    func withVector<R>(_ i: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try records[records.startIndex + i].vector.withUnsafeBufferPointer(body)
    }
    func id(_ i: Int) -> String { records[records.startIndex + i].id }
    func document(_ i: Int) -> String? { records[records.startIndex + i].document }
    func appendMetadata(_ i: Int, to out: inout [UInt8]) throws {
        MetadataCodec.encode(records[records.startIndex + i].metadata, into: &out)
    }
}

/// Live rows of existing segments, in order (compaction).
struct MergedRows: SegmentRowSource {
    let parts: [(segment: Segment, rows: [Int32])]
    let dimension: Int
    private let starts: [Int]
    let count: Int

    init(parts: [(segment: Segment, rows: [Int32])], dimension: Int) {
        self.parts = parts
        self.dimension = dimension
        var starts: [Int] = []
        var total = 0
        for p in parts { starts.append(total); total += p.rows.count }
        self.starts = starts
        count = total
    }

    private func locate(_ i: Int) -> (Segment, Int) {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        return (parts[lo].segment, Int(parts[lo].rows[i - starts[lo]]))
    }

    func withVector<R>(_ i: Int, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let (s, r) = locate(i)
        return try body(s.vector(r))
    }
    func id(_ i: Int) -> String { let (s, r) = locate(i); return s.id(r) }
    func document(_ i: Int) -> String? { let (s, r) = locate(i); return s.document(r) }
    func appendMetadata(_ i: Int, to out: inout [UInt8]) throws {
        let (s, r) = locate(i)
        out.append(contentsOf: s.metadataBytes(r))
    }
}
