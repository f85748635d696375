// MARK: - Binary form
//
// Layout (little-endian), format version 1:
//   header   64 bytes: magic "SSHNSW\r\n" | version u32 | flags u32 (bit 0: vectors included)
//                      | dimension u32 | metric u8 + 3 zero bytes | m u32 | efConstruction u32
//                      | efSearch u32 | count u32 | seed u64 | entryPoint i32 | maxLevel i32
//                      | upperLinkCount u64
//   levels        count × u8, zero-padded to a multiple of 4
//   upperOffsets  count × i32
//   level0        count × (2m + 1) × i32
//   upperLinks    upperLinkCount × i32
//   vectors       count × dimension × f32 (only when flag bit 0 is set)
//   footer   16 bytes: bodyLength u64 (bytes before the footer) | masked CRC32C u32 of those
//                      bytes | "HNSW"
// Readers check the footer first, then bounds-check every count before allocating.

extension HNSWIndex {
    /// The file magic at offset 0.
    public static let magic: [UInt8] = Array("SSHNSW\r\n".utf8)
    /// The format version this build writes (and the only one it reads).
    public static let formatVersion: UInt32 = 1
    static let footerMagic: [UInt8] = Array("HNSW".utf8)
    static let headerSize = 64
    static let footerSize = IndexFileFooter.size

    /// The index as bytes: header, graph, optionally the vectors, and a CRC32C footer.
    ///
    /// - Parameter includeVectors: false when the caller stores the vectors elsewhere (a segment)
    ///   and passes them back to ``init(serialized:vectors:)``.
    public func serialized(includeVectors: Bool = true) -> [UInt8] {
        var w = ByteWriter(capacity: Self.headerSize + memoryBytes + Self.footerSize)
        w.bytes.append(contentsOf: Self.magic)
        w.write(Self.formatVersion)
        w.write(UInt32(includeVectors ? 1 : 0))
        w.write(UInt32(dimension))
        w.write(metric.rawValue)
        w.write(UInt8(0)); w.write(UInt16(0))
        w.write(UInt32(configuration.m))
        w.write(UInt32(configuration.efConstruction))
        w.write(UInt32(configuration.efSearch))
        w.write(UInt32(count))
        w.write(configuration.seed)
        w.write(entryPoint)
        w.write(Int32(maxLevel))
        w.write(UInt64(upperLinks.count))
        w.write(contentsOf: levels)
        w.pad(toMultipleOf: 4)
        w.write(contentsOf: upperOffsets)
        w.write(contentsOf: level0)
        w.write(contentsOf: upperLinks)
        if includeVectors { w.write(contentsOf: vectors) }
        IndexFileFooter.append(to: &w, tag: Self.footerMagic)
        return w.bytes
    }

    /// Reads an index written by ``serialized(includeVectors:)``.
    ///
    /// - Parameters:
    ///   - bytes: the serialized form.
    ///   - vectors: the rows (`count × dimension`, already normalised for cosine) when they were
    ///     not included; ignored otherwise.
    /// - Throws: ``VectorIndexError`` `.corruptIndex` (truncation, checksum, bad counts, links out
    ///   of range; the message gives the offset or field), `.formatVersion`, `.dimensionMismatch`.
    public init(serialized bytes: [UInt8], vectors external: [Float]? = nil) throws {
        let parsed = try bytes.withUnsafeBytes { raw throws(VectorIndexError) in try Self.parse(raw) }
        var index = HNSWIndex(dimension: parsed.dimension, metric: parsed.metric, configuration: parsed.configuration,
                              rng: SplitMix64(seed: parsed.configuration.seed ^ UInt64(parsed.levels.count)))
        index.levels = parsed.levels
        index.upperOffsets = parsed.upperOffsets
        index.level0 = parsed.level0
        index.upperLinks = parsed.upperLinks
        index.entryPoint = parsed.entryPoint
        index.maxLevel = parsed.maxLevel
        if let v = parsed.vectors {
            index.vectors = HugePages.advisedCopy(v)
        } else {
            guard let external else {
                throw VectorIndexError(code: .invalidArgument,
                                       message: "serialized index has no vectors and none were passed")
            }
            guard external.count == parsed.levels.count * parsed.dimension else {
                throw VectorIndexError(code: .dimensionMismatch,
                                       message: "passed \(external.count) floats, index needs \(parsed.levels.count) × \(parsed.dimension)")
            }
            index.vectors = HugePages.advisedCopy(external)
        }
        try index.checkIntegrity()
        self = index
    }

    private struct Parsed {
        var dimension: Int, metric: IndexMetric, configuration: Configuration
        var levels: [UInt8], upperOffsets: [Int32], level0: [Int32], upperLinks: [Int32]
        var vectors: [Float]?, entryPoint: Int32, maxLevel: Int
    }

    private static func parse(_ raw: UnsafeRawBufferPointer) throws(VectorIndexError) -> Parsed {
        var r = try IndexFileFooter.openBody(raw, magic: magic, tag: footerMagic, headerSize: headerSize,
                                             version: formatVersion, what: "an HNSW index")
        let flags = try r.read(UInt32.self, field: "flags")
        let dimension = Int(try r.read(UInt32.self, field: "dimension"))
        guard let metric = IndexMetric(rawValue: try r.read(UInt8.self, field: "metric")) else { throw .corrupt("unknown metric at offset 20") }
        _ = try r.read(UInt8.self, field: "pad"); _ = try r.read(UInt16.self, field: "pad")
        let m = Int(try r.read(UInt32.self, field: "m"))
        let efc = Int(try r.read(UInt32.self, field: "efConstruction"))
        let efs = Int(try r.read(UInt32.self, field: "efSearch"))
        let count = Int(try r.read(UInt32.self, field: "count"))
        let seed = try r.read(UInt64.self, field: "seed")
        let entry = try r.read(Int32.self, field: "entryPoint")
        let maxLevel = Int(try r.read(Int32.self, field: "maxLevel"))
        let upperCount = try r.read(UInt64.self, field: "upperLinkCount")
        guard dimension > 0, dimension <= 1 << 16 else { throw .corrupt("dimension \(dimension) out of range") }
        guard m >= 2, m <= 1024 else { throw .corrupt("m \(m) out of range") }
        guard count <= Int(Int32.max), upperCount <= UInt64(Int32.max) else { throw .corrupt("row count \(count) out of range") }
        let levels = try r.readArray(UInt8.self, count: count, field: "levels")
        try r.skip(to: 4)
        let upperOffsets = try r.readArray(Int32.self, count: count, field: "upperOffsets")
        let (l0count, o1) = count.multipliedReportingOverflow(by: 2 * m + 1)
        guard !o1 else { throw .corrupt("level-0 size overflows") }
        let level0 = try r.readArray(Int32.self, count: l0count, field: "level0")
        let upperLinks = try r.readArray(Int32.self, count: Int(upperCount), field: "upperLinks")
        var vectors: [Float]?
        if flags & 1 != 0 {
            let (vcount, o2) = count.multipliedReportingOverflow(by: dimension)
            guard !o2 else { throw .corrupt("vector size overflows") }
            vectors = try r.readFloats(count: vcount, field: "vectors")
        }
        guard r.remaining == 0 else { throw .corrupt("\(r.remaining) unexpected bytes before the footer") }
        let config = Configuration(m: m, efConstruction: efc, efSearch: efs, seed: seed)
        return Parsed(dimension: dimension, metric: metric, configuration: config, levels: levels,
                      upperOffsets: upperOffsets, level0: level0, upperLinks: upperLinks, vectors: vectors,
                      entryPoint: entry, maxLevel: maxLevel)
    }
}
