/// Writes one immutable segment file from a row source, streaming (bounded memory: one write
/// buffer plus three `u64` end arrays). Layout in docs/FORMAT.md, "Segment files".
enum SegmentWriter {
    /// Writes `rows` to a new file at `path` (created exclusively), fsyncs it.
    /// - Returns: the file's checksum and size.
    static func write<S: SegmentRowSource>(_ rows: S, to path: String) throws -> (checksum: String, size: Int64) {
        let w = try FileWriter(path: path)
        do {
            let result = try writeBody(rows, w)
            return result
        } catch {
            w.abandon()
            throw error
        }
    }

    private static func writeBody<S: SegmentRowSource>(_ rows: S, _ w: FileWriter) throws -> (checksum: String, size: Int64) {
        let n = rows.count
        let dim = rows.dimension
        // Header.
        try w.write(SegmentFormat.magic)
        try w.write(SegmentFormat.version)
        try w.write(UInt32(dim))
        try w.write(UInt64(n))
        try w.write([UInt8](repeating: 0, count: SegmentFormat.headerSize - 24))
        // Vectors (row-major Float32) and norms.
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            try rows.withVector(i) { v in
                var sum: Float = 0
                for x in v { sum += x * x }
                norms[i] = sum.squareRoot()
                try w.write(UnsafeRawBufferPointer(v))
            }
        }
        try norms.withUnsafeBytes { try w.write($0) }
        try w.pad(to: 8)
        // Variable-length sections.
        var idEnds = [UInt64](repeating: 0, count: n)
        var docEnds = [UInt64](repeating: 0, count: n)
        var metaEnds = [UInt64](repeating: 0, count: n)
        var flags = [UInt8](repeating: 0, count: n)
        let idStart = w.position
        for i in 0..<n {
            try w.write(Array(rows.id(i).utf8))
            idEnds[i] = UInt64(w.position - idStart)
        }
        let docStart = w.position
        for i in 0..<n {
            if let doc = rows.document(i) {
                flags[i] |= 1
                try w.write(Array(doc.utf8))
            }
            docEnds[i] = UInt64(w.position - docStart)
        }
        let metaStart = w.position
        var scratch: [UInt8] = []
        for i in 0..<n {
            scratch.removeAll(keepingCapacity: true)
            try rows.appendMetadata(i, to: &scratch)
            try w.write(scratch)
            metaEnds[i] = UInt64(w.position - metaStart)
        }
        let flagsStart = w.position
        try w.write(flags)
        try w.pad(to: 8)
        let idEndsStart = w.position
        try idEnds.withUnsafeBytes { try w.write($0) }
        let docEndsStart = w.position
        try docEnds.withUnsafeBytes { try w.write($0) }
        let metaEndsStart = w.position
        try metaEnds.withUnsafeBytes { try w.write($0) }
        // Footer.
        let normsStart = Int64(SegmentFormat.headerSize) + Int64(n) * Int64(dim) * 4
        for v in [idStart, docStart, metaStart, flagsStart, idEndsStart, docEndsStart, metaEndsStart] {
            try w.write(UInt64(v))
        }
        try w.write(UInt64(n))
        try w.write(UInt32(dim))
        try w.write(SegmentFormat.version)
        try w.write(UInt64(normsStart))
        try w.write(UInt64(0))
        try w.write(SegmentFormat.footerMagic)
        return try w.finish()
    }
}
