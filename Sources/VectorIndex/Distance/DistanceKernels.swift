/// SIMD distance kernels over contiguous `Float` rows.
///
/// Portable: `SIMD16<Float>` with four independent accumulators and separate multiply and add
/// (no fused multiply-add, which becomes a slow library call unless the build targets an
/// FMA-capable CPU; see PLATFORM-NOTES "Vector math"). Loads are unaligned, so rows can live
/// anywhere (an mmap'ed segment, a `[Float]`).
public enum DistanceKernels {
    /// `Σ a[i]·b[i]` over `count` components.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var s0 = SIMD16<Float>()
        var s1 = SIMD16<Float>()
        var s2 = SIMD16<Float>()
        var s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            let o = i &* 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            s2 += ra.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
            s3 += ra.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
            i &+= 64
        }
        while i + 16 <= count {
            let o = i &* 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            i &+= 16
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            sum += a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// `Σ (a[i] − b[i])²` over `count` components.
    @inlinable
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var s0 = SIMD16<Float>()
        var s1 = SIMD16<Float>()
        var s2 = SIMD16<Float>()
        var s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= count {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            let d1 = ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD16<Float>.self)
            let d2 = ra.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 128, as: SIMD16<Float>.self)
            let d3 = ra.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 192, as: SIMD16<Float>.self)
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            i &+= 64
        }
        while i + 16 <= count {
            let o = i &* 4
            let d = ra.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            s0 += d * d
            i &+= 16
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            let d = a[i] - b[i]
            sum += d * d
            i &+= 1
        }
        return sum
    }

    /// The Euclidean norm of `count` components.
    @inlinable
    public static func norm(_ a: UnsafePointer<Float>, count: Int) -> Float {
        dot(a, a, count: count).squareRoot()
    }
}

/// Small helpers on `[Float]` vectors.
public enum VectorMath {
    /// `v / ‖v‖`; a zero vector is returned unchanged.
    public static func normalized(_ v: [Float]) -> [Float] {
        var out = v
        normalize(&out)
        return out
    }

    /// Normalises `v` in place to unit length; a zero (or non-finite) norm leaves it unchanged.
    public static func normalize(_ v: inout [Float]) {
        let n: Float = v.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            return DistanceKernels.norm(base, count: p.count)
        }
        guard n > 0, n.isFinite else { return }
        let inv = 1 / n
        for i in v.indices { v[i] *= inv }
    }

    /// Normalises each `dimension`-sized row of `rows` in place.
    public static func normalizeRows(_ rows: UnsafeMutableBufferPointer<Float>, dimension: Int) {
        guard dimension > 0, let base = rows.baseAddress else { return }
        var r = 0
        while (r + 1) * dimension <= rows.count {
            let p = base + r * dimension
            let n = DistanceKernels.norm(p, count: dimension)
            if n > 0, n.isFinite {
                let inv = 1 / n
                for i in 0..<dimension { p[i] *= inv }
            }
            r += 1
        }
    }
}
