/// The inner loop of the quantised scan: `Σ code[i] · weight[i]` for many rows of 8-bit codes.
///
/// This file is compiled twice: in `VectorKernels` for the portable x86-64/arm64 baseline and,
/// through a symbolic link, in `VectorKernelsAVX2` with `-target-cpu haswell`; `VectorIndex`
/// picks one at run time from the CPU's features. Only SIMD operations that lower to single
/// instructions are used here (`&`, `&>>`, `&*`, `&+` on `SIMD16<UInt16>`/`SIMD8<UInt32>`):
/// Swift's SIMD integer conversions are out-of-line generic calls and would cost 10x.
public enum Q8Kernel {
    /// Bytes per row must be a multiple of this (rows are zero-padded).
    public static let rowAlignment = 32

    /// Writes `Σ codes[r][i] · weights[i]` for each row `r` of `rowCount` into `sums[r]`.
    ///
    /// - Parameters:
    ///   - codes: `rowCount` rows of `stride` bytes (unsigned codes).
    ///   - weights: `stride` unsigned 16-bit weights, each ≤ 127, laid out per 32-byte block as the
    ///     16 weights of the even components followed by the 16 of the odd ones.
    ///   - stride: bytes per row, a multiple of ``rowAlignment``.
    /// - Precondition: each weight ≤ 127, so a pair of products fits 16 bits (255·127·2 < 2¹⁶) and a
    ///   row's sum fits 32 bits for `stride` < 132,000.
    @inline(never)
    public static func rowSums(codes: UnsafeRawPointer, weights: UnsafePointer<UInt16>, rowCount: Int, stride: Int,
                               sums: UnsafeMutablePointer<UInt32>) {
        let w = UnsafeRawPointer(weights)
        let lowByte = SIMD16<UInt16>(repeating: 0x00FF)
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
            sums[r] = all.wrappedSum() &- 65_535 &* high.wrappedSum()
            row += stride
        }
    }

}
