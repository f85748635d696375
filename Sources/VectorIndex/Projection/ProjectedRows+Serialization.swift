// MARK: - Binary form
//
// Layout (little-endian), format version 1:
//   header   64 bytes: magic "SSPROJ\r\n" | version u32 | flags u32 (bit 0: rows normalised)
//                      | dimension u32 | rank u32 | rowCount u64 | projectionError f64
//                      | maxRowNorm f64 | residualEnergy f64 | 8 zero bytes
//   basis         rank × dimension × f32
//   projections   rowCount × rank × f32
//   residuals     rowCount × f32 (each ≥ 0, finite)
//   footer   16 bytes: bodyLength u64 | masked CRC32C u32 of the body | "PROJ"
// Readers check the footer first, then bounds-check every count before allocating.

extension ProjectedRows {
    /// The file magic at offset 0.
    public static let magic: [UInt8] = Array("SSPROJ\r\n".utf8)
    /// The format version this build writes (and the only one it reads).
    public static let formatVersion: UInt32 = 1
    static let footerMagic: [UInt8] = Array("PROJ".utf8)
    static let headerSize = 64
    static let footerSize = IndexFileFooter.size

    /// Whether `bytes` start like a serialized ``ProjectedRows``.
    public static func hasMagic(_ bytes: [UInt8]) -> Bool { bytes.count >= 8 && Array(bytes[0..<8]) == magic }

    /// The index as bytes: header, basis, coordinates, residual norms and a CRC32C footer.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(capacity: Self.headerSize + (basis.vectors.count + projections.count + rowCount) * 4 + Self.footerSize)
        w.bytes.append(contentsOf: Self.magic)
        w.write(Self.formatVersion)
        w.write(UInt32(normalized ? 1 : 0))
        w.write(UInt32(dimension))
        w.write(UInt32(rank))
        w.write(UInt64(rowCount))
        w.write(projectionError.bitPattern)
        w.write(maxRowNorm.bitPattern)
        w.write(basis.residualEnergy.bitPattern)
        w.write(UInt64(0))
        w.write(contentsOf: basis.vectors)
        w.write(contentsOf: projections)
        w.write(contentsOf: residualNorms)
        IndexFileFooter.append(to: &w, tag: Self.footerMagic)
        return w.bytes
    }

    /// Reads an index written by ``serialized()``.
    ///
    /// - Throws: ``VectorIndexError`` `.corruptIndex` (truncation, checksum, counts, non-finite or
    ///   negative values; the message names the field), `.formatVersion`.
    public convenience init(serialized bytes: [UInt8], kernel: KernelSelection = .current) throws {
        let parsed = try bytes.withUnsafeBytes { raw throws(VectorIndexError) in try Self.parse(raw) }
        self.init(basis: parsed.basis, rowCount: parsed.rowCount, normalized: parsed.normalized,
                  projections: parsed.projections, residualNorms: parsed.residuals,
                  projectionError: parsed.projectionError, maxRowNorm: parsed.maxRowNorm, kernel: kernel)
    }

    private struct Parsed {
        var basis: ProjectionBasis, rowCount: Int, normalized: Bool
        var projections: [Float], residuals: [Float], projectionError: Double, maxRowNorm: Double
    }

    private static func parse(_ raw: UnsafeRawBufferPointer) throws(VectorIndexError) -> Parsed {
        var r = try IndexFileFooter.openBody(raw, magic: magic, tag: footerMagic, headerSize: headerSize,
                                             version: formatVersion, what: "a projection index")
        let flags = try r.read(UInt32.self, field: "flags")
        let dimension = Int(try r.read(UInt32.self, field: "dimension"))
        let rank = Int(try r.read(UInt32.self, field: "rank"))
        let rows = try r.read(UInt64.self, field: "rowCount")
        let projectionError = Double(bitPattern: try r.read(UInt64.self, field: "projectionError"))
        let maxRowNorm = Double(bitPattern: try r.read(UInt64.self, field: "maxRowNorm"))
        let residualEnergy = Double(bitPattern: try r.read(UInt64.self, field: "residualEnergy"))
        _ = try r.read(UInt64.self, field: "reserved")
        guard dimension > 0, dimension <= 1 << 16 else { throw .corrupt("dimension \(dimension) out of range") }
        guard rank > 0, rank <= dimension else { throw .corrupt("rank \(rank) out of range 1...\(dimension)") }
        guard rows <= UInt64(Int32.max) else { throw .corrupt("row count \(rows) out of range") }
        guard projectionError.isFinite, projectionError >= 0, maxRowNorm.isFinite, maxRowNorm >= 0 else {
            throw .corrupt("projectionError \(projectionError) / maxRowNorm \(maxRowNorm) not finite and non-negative")
        }
        let rowCount = Int(rows)
        let basis = try r.readFloats(count: rank * dimension, field: "basis")
        let projections = try r.readFloats(count: rowCount * rank, field: "projections")
        let residuals = try r.readFloats(count: rowCount, field: "residuals")
        guard r.remaining == 0 else { throw .corrupt("\(r.remaining) unexpected bytes before the footer") }
        guard basis.allSatisfy(\.isFinite) else { throw .corrupt("basis holds a non-finite value") }
        guard projections.allSatisfy(\.isFinite) else { throw .corrupt("projections hold a non-finite value") }
        guard residuals.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw .corrupt("a residual norm is negative or not finite") }
        return Parsed(basis: ProjectionBasis(dimension: dimension, rank: rank, vectors: basis,
                                             residualEnergy: residualEnergy.isFinite ? residualEnergy : 1),
                      rowCount: rowCount, normalized: flags & 1 != 0, projections: projections, residuals: residuals,
                      projectionError: projectionError, maxRowNorm: maxRowNorm)
    }
}
