/// Builds the codes and per-row terms of ``QuantizedRows`` in three SIMD passes over the rows
/// (norms, component ranges and means, codes with their errors).
///
/// Arithmetic is float32 for speed; every quantity the query-time interval relies on is rounded
/// *up* by more than the float32 error it can carry, so intervals stay certain:
/// - `errorNorm` (`‖x − x̂‖`, with `x̂` defined by the stored float offsets and scales) is inflated by
///   the sum's relative error and `4·10⁻⁶·(1 + ‖x‖)` for the per-component rounding of `x̂`;
/// - `codeNorm` (`‖u − c‖`) by the sum's relative error plus 10⁻³ code units.
struct QuantizedCoding {
    var codes: UnsafeMutableRawPointer
    var offsets: [Double]
    var scales: [Double]
    var centres: [Double]
    var errorNorms: [Double]
    /// `Σuᵢ` per row, exact (float32 lane sums are exact below 2²⁴: rows of ≤ 65,792 codes).
    var codeSums: [Int32]
    var codeNorms: [Double]
    var biases: [Double]
    var maxRowNorm: Double

    /// Eight lanes: two SSE registers per value on a baseline x86-64 build (16 would spill).
    typealias Lanes = SIMD8<Float>
    typealias Bits = SIMD8<UInt32>
    static let width = 8

    /// Lane-wise minimum and maximum without `pointwiseMin`, which is a generic per-lane loop
    /// here. `(a + b ∓ |a − b|) / 2` may be off by an ulp; ranges only need to be close (codes are
    /// computed and checked against the stored byte below).
    @inline(__always) static func lower(_ a: Lanes, _ b: Lanes) -> Lanes { (a + b - absolute(a - b)) * 0.5 }
    @inline(__always) static func upper(_ a: Lanes, _ b: Lanes) -> Lanes { (a + b + absolute(a - b)) * 0.5 }
    @inline(__always) static func absolute(_ a: Lanes) -> Lanes {
        unsafeBitCast(unsafeBitCast(a, to: Bits.self) & Bits(repeating: 0x7FFF_FFFF), to: Lanes.self)
    }

    /// Codes `sourceRows` of `rows` (coded row `i` is source row `sourceRows[i]`).
    init(rows: UnsafePointer<Float>, sourceRows: [Int32], dimension: Int, stride: Int, normalize: Bool,
         ranking: QuantizedRows.Ranking) {
        let rowCount = sourceRows.count
        let w = Self.width
        let chunks = stride / w
        // Row copies are staged in a zero-padded buffer of `stride` floats.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: stride)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0, count: stride)
        func stage(_ r: Int, _ multiplier: Float) {
            let row = rows + Int(sourceRows[r]) * dimension
            for i in 0..<dimension { scratch[i] = row[i] * multiplier }
        }
        func lanes(_ c: Int) -> Lanes { UnsafeRawPointer(scratch + c * w).loadUnaligned(as: Lanes.self) }

        // Pass 1: multipliers, component ranges and means.
        var multipliers = [Float](repeating: 1, count: rowCount)
        // Seeded from the first row: the min/max formula loses small values next to huge ones.
        var lo = [Lanes](repeating: .zero, count: chunks)
        var hi = [Lanes](repeating: .zero, count: chunks)
        // Float sums are precise enough for centres (any centre keeps the interval certain).
        var total = [Lanes](repeating: .zero, count: chunks)
        for r in 0..<rowCount {
            if normalize {
                let row = rows + Int(sourceRows[r]) * dimension
                let norm = DistanceKernels.dot(row, row, count: dimension).squareRoot()
                multipliers[r] = norm > 0 ? 1 / norm : 0
            }
            stage(r, multipliers[r])
            for c in 0..<chunks {
                let v = lanes(c)
                if r == 0 { (lo[c], hi[c]) = (v, v) }
                lo[c] = Self.lower(lo[c], v)
                hi[c] = Self.upper(hi[c], v)
                total[c] += v
            }
        }
        var offsetLanes = [Lanes](repeating: .zero, count: chunks)
        var scaleLanes = [Lanes](repeating: .zero, count: chunks)
        var inverseLanes = [Lanes](repeating: .zero, count: chunks)
        var centreLanes = [Lanes](repeating: .zero, count: chunks)
        for c in 0..<chunks where rowCount > 0 {
            for j in 0..<w {
                let (l, h) = (lo[c][j], hi[c][j])
                guard l.isFinite, h.isFinite, h >= l else { continue }
                offsetLanes[c][j] = l
                guard h > l else { continue }
                let scale = (h - l) / 255
                scaleLanes[c][j] = scale
                inverseLanes[c][j] = 1 / scale
                let mean = total[c][j] / Float(rowCount)
                centreLanes[c][j] = min(max((mean - l) / scale, 0), 255)
            }
        }

        // Pass 2: codes, errors, code sums and centred code norms.
        let bytes = max(rowCount * stride, 1)
        let codes = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        if bytes >= HugePages.threshold { HugePages.advise(codes, bytes: bytes) }
        codes.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        var errorNorms = [Double](repeating: 0, count: rowCount)
        var codeSums = [Int32](repeating: 0, count: rowCount)
        var codeNorms = [Double](repeating: 0, count: rowCount)
        var biases = [Double](repeating: 0, count: ranking == .dot ? 0 : rowCount)
        var maxRowNorm = 0.0
        // Adding 1.5·2²³ rounds a float in −2²²...2²² to an integer held in the low mantissa bits;
        // the stored code is its low byte, and `u` is read back from that byte (2²³ + byte − 2²³),
        // so errors are always measured against the code actually stored.
        let magic = Lanes(repeating: 12_582_912), two23 = Lanes(repeating: 8_388_608)
        let byteMask = Bits(repeating: 0xFF), two23Bits = Bits(repeating: 0x4B00_0000)
        let slack = 1 + Double(stride) * 0x1p-23
        for r in 0..<rowCount {
            stage(r, multipliers[r])
            let out = (codes + r * stride).assumingMemoryBound(to: UInt8.self)
            var err2 = Lanes(), norm2 = Lanes(), sum = Lanes(), dev2 = Lanes()
            for c in 0..<chunks {
                let v = lanes(c)
                let rounded = (v - offsetLanes[c]) * inverseLanes[c] + magic
                let code = unsafeBitCast(rounded, to: Bits.self) & byteMask
                let u = unsafeBitCast(code | two23Bits, to: Lanes.self) - two23
                let e = v - (offsetLanes[c] + scaleLanes[c] * u)
                err2 += e * e
                norm2 += v * v
                sum += u
                let d = u - centreLanes[c]
                dev2 += d * d
                for j in 0..<w { out[c * w + j] = UInt8(truncatingIfNeeded: code[j]) }
            }
            let rowNorm = Double(norm2.sum()).squareRoot()
            errorNorms[r] = Double(err2.sum()).squareRoot() * slack + 4e-6 * (1 + rowNorm)
            codeSums[r] = Int32(sum.sum())
            codeNorms[r] = Double(dev2.sum()).squareRoot() * slack + 1e-3
            maxRowNorm = max(maxRowNorm, rowNorm)
            if ranking == .negativeHalfSquaredL2 { biases[r] = -Double(norm2.sum()) / 2 }
        }
        func flat(_ l: [Lanes]) -> [Double] { (0..<stride).map { Double(l[$0 / w][$0 % w]) } }
        self.codes = codes
        offsets = flat(offsetLanes)
        scales = flat(scaleLanes)
        centres = flat(centreLanes)
        self.errorNorms = errorNorms
        self.codeSums = codeSums
        self.codeNorms = codeNorms
        self.biases = biases
        self.maxRowNorm = maxRowNorm * slack
    }
}
