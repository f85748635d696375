#if Q8_AVX2
import _Builtin_intrinsics.intel
#endif

/// The inner loop of the quantised scan: `Σ code[i] · weight[i]` for many rows of 8-bit codes,
/// keeping the rows whose sum reaches a minimum.
///
/// This file is compiled twice: in `VectorKernels` for the portable x86-64/arm64 baseline and,
/// through a symbolic link, in `VectorKernelsAVX2` with `-target-cpu haswell` and `Q8_AVX2`
/// defined; `VectorIndex` picks one at run time from the CPU's features.
///
/// - The AVX2 copy multiplies unsigned codes by signed 7-bit weights with `vpmaddubsw` (pairs of
///   products summed to 16 bits: at most 2·255·63 = 32,130, so never saturated) and widens with
///   `vpmaddwd`: three instructions per 32 codes. Four rows share each weight load and one
///   horizontal reduction.
/// - The portable copy uses only SIMD operations that lower to single instructions (`&`, `&>>`,
///   `&*`, `&+` on `SIMD16<UInt16>`/`SIMD8<UInt32>`; Swift's SIMD integer conversions are
///   out-of-line generic calls and would cost 10×). It multiplies by unsigned weights
///   `w + 64` and subtracts `64 · Σ code` per row afterwards.
public enum Q8Kernel {
    /// Bytes per row must be a multiple of this (rows are zero-padded).
    public static let rowAlignment = 32
    /// Weights are in `-maxWeight...maxWeight`.
    public static let maxWeight = 63
    /// What the portable copy adds to every weight (so its weights are unsigned).
    public static let weightOffset = 64
    /// Longest row (bytes) this kernel's callers may use: sums fit the 32-bit arithmetic of both
    /// copies up to 131,072, and the coder's float32 code sums (`Σ code`, subtracted ×64 by the
    /// portable copy) stay exact below 2²⁴, i.e. up to 65,792 codes; the store's largest dimension
    /// is 65,536.
    public static let maxStride = 65_536

    /// Scans `rowCount` rows of `stride` bytes: writes each row's `Σ codes[r][i] · weights[i]` to
    /// `sums[r]` and the numbers of the rows whose sum is at least `minimum` to `hits`, in order.
    ///
    /// - Parameters:
    ///   - codes: `rowCount` rows of `stride` unsigned codes.
    ///   - signedWeights: `stride` weights in `-63...63` (read by the AVX2 copy).
    ///   - offsetWeights: the same weights plus 64, laid out per 32-code block as the 16 weights of
    ///     the even components followed by the 16 of the odd ones (read by the portable copy).
    ///   - codeSums: `Σ codes[r][i]` of each row (read by the portable copy).
    ///   - stride: bytes per row, a multiple of ``rowAlignment``, at most ``maxStride``.
    ///   - sums, hits: room for `rowCount` values each.
    /// - Returns: how many row numbers were written to `hits`.
    @inline(never)
    public static func scan(codes: UnsafeRawPointer, rowCount: Int, stride: Int,
                            signedWeights: UnsafePointer<Int8>, offsetWeights: UnsafePointer<UInt16>,
                            codeSums: UnsafePointer<Int32>, minimum: Int32,
                            sums: UnsafeMutablePointer<Int32>, hits: UnsafeMutablePointer<Int32>) -> Int {
        #if Q8_AVX2
        return signedScan(codes: codes, rowCount: rowCount, stride: stride, weights: signedWeights, minimum: minimum,
                          sums: sums, hits: hits)
        #else
        return offsetScan(codes: codes, rowCount: rowCount, stride: stride, weights: offsetWeights, codeSums: codeSums,
                          minimum: minimum, sums: sums, hits: hits)
        #endif
    }

    #if Q8_AVX2
    @inline(__always)
    private static func signedScan(codes: UnsafeRawPointer, rowCount: Int, stride: Int, weights: UnsafePointer<Int8>,
                                   minimum: Int32, sums: UnsafeMutablePointer<Int32>,
                                   hits: UnsafeMutablePointer<Int32>) -> Int {
        let ones = _mm256_set1_epi16(1)
        let floor = _mm_set1_epi32(minimum)
        let w = UnsafeRawPointer(weights)
        var count = 0
        var r = 0
        while r &+ 4 <= rowCount {
            let row = codes + r &* stride
            var a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0
            var b = 0
            while b < stride {
                let q = load(w + b)
                a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_maddubs_epi16(load(row + b), q), ones))
                a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_maddubs_epi16(load(row + (stride &+ b)), q), ones))
                a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_maddubs_epi16(load(row + (2 &* stride &+ b)), q), ones))
                a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_maddubs_epi16(load(row + (3 &* stride &+ b)), q), ones))
                b &+= 32
            }
            // Pairwise adds leave, per 128-bit half, the partial sums of rows 0–3 in order.
            let h = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3))
            let halves = unsafeBitCast(h, to: SIMD8<Int32>.self)
            let four = halves.lowHalf &+ halves.highHalf
            UnsafeMutableRawPointer(sums + r).storeBytes(of: four, as: SIMD4<Int32>.self)
            let below = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(floor, unsafeBitCast(four, to: __m128i.self))))
            let keep = ~Int(below)
            for i in 0..<4 {
                hits[count] = Int32(truncatingIfNeeded: r &+ i)
                count &+= (keep &>> i) & 1
            }
            r &+= 4
        }
        while r < rowCount {
            let row = codes + r &* stride
            var a = _mm256_setzero_si256()
            var b = 0
            while b < stride {
                a = _mm256_add_epi32(a, _mm256_madd_epi16(_mm256_maddubs_epi16(load(row + b), load(w + b)), ones))
                b &+= 32
            }
            let sum = unsafeBitCast(a, to: SIMD8<Int32>.self).wrappedSum()
            sums[r] = sum
            hits[count] = Int32(truncatingIfNeeded: r)
            count &+= sum >= minimum ? 1 : 0
            r &+= 1
        }
        return count
    }

    @inline(__always)
    private static func load(_ p: UnsafeRawPointer) -> __m256i {
        _mm256_loadu_si256(p.assumingMemoryBound(to: __m256i.self))
    }
    #else
    @inline(__always)
    private static func offsetScan(codes: UnsafeRawPointer, rowCount: Int, stride: Int, weights: UnsafePointer<UInt16>,
                                   codeSums: UnsafePointer<Int32>, minimum: Int32, sums: UnsafeMutablePointer<Int32>,
                                   hits: UnsafeMutablePointer<Int32>) -> Int {
        let w = UnsafeRawPointer(weights)
        let lowByte = SIMD16<UInt16>(repeating: 0x00FF)
        var count = 0
        var row = codes
        for r in 0..<rowCount {
            // `all` sums each 32-bit lane (low pair sum + 65,536 × high pair sum, wrapping) and
            // `high` the high pair sums; all lanes' pair sums total `all − 65,535·high` (mod 2³²,
            // exact below 2³²). Three operations per 16 pairs instead of four for split sums.
            var all = SIMD8<UInt32>()
            var high = SIMD8<UInt32>()
            var b = 0
            while b < stride {
                let c = row.loadUnaligned(fromByteOffset: b, as: SIMD16<UInt16>.self)
                let o = b &* 2
                // Products of the even and odd components, paired: at most 2·255·127 = 64,770.
                let pairs = (c & lowByte) &* w.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt16>.self)
                    &+ (c &>> 8) &* w.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD16<UInt16>.self)
                let wide = unsafeBitCast(pairs, to: SIMD8<UInt32>.self)
                all &+= wide
                high &+= wide &>> 16
                b &+= 32
            }
            // The signed sum is below 2³¹ in magnitude, so wrapping 32-bit arithmetic is exact.
            let unsigned = all.wrappedSum() &- 65_535 &* high.wrappedSum()
            let sum = Int32(bitPattern: unsigned) &- Int32(weightOffset) &* codeSums[r]
            sums[r] = sum
            hits[count] = Int32(truncatingIfNeeded: r)
            count &+= sum >= minimum ? 1 : 0
            row += stride
        }
        return count
    }
    #endif
}
