import Foundation

/// A 2-D little-endian `float32` or `int32` NumPy `.npy` array (C order), as written by `numpy.save`.
struct NPYFile {
    let rows: Int
    let columns: Int
    /// Raw values as floats (int32 files are converted).
    let values: [Float]

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count >= 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw BenchError("\(path): not a .npy file")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            headerStart = 10
        } else {
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            headerStart = 12
        }
        guard let header = String(data: data.subdata(in: headerStart..<(headerStart + headerLength)), encoding: .ascii) else {
            throw BenchError("\(path): unreadable header")
        }
        guard header.contains("'fortran_order': False") else { throw BenchError("\(path): Fortran order not supported") }
        let isFloat = header.contains("'<f4'")
        guard isFloat || header.contains("'<i4'") else { throw BenchError("\(path): need <f4 or <i4, header \(header)") }
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            throw BenchError("\(path): no shape in header")
        }
        let dims = header[header.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        rows = dims.first ?? 0
        columns = dims.count > 1 ? dims[1] : 1
        let start = headerStart + headerLength
        let count = rows * columns
        guard data.count - start >= count * 4 else { throw BenchError("\(path): truncated") }
        values = data.withUnsafeBytes { raw in
            (0..<count).map { i in
                let bits = raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)
                return isFloat ? Float(bitPattern: UInt32(littleEndian: bits)) : Float(Int32(bitPattern: UInt32(littleEndian: bits)))
            }
        }
    }

    func row(_ i: Int) -> [Float] { Array(values[(i * columns)..<((i + 1) * columns)]) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
