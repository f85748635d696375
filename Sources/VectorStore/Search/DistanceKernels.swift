/// SIMD16 distance kernels over raw Float pointers (four accumulators; no copies).
enum DistanceKernels {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Dot product of two `n`-float vectors.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= n {
            s0 += load(a, i) * load(b, i)
            s1 += load(a, i + 16) * load(b, i + 16)
            s2 += load(a, i + 32) * load(b, i + 32)
            s3 += load(a, i + 48) * load(b, i + 48)
            i += 64
        }
        while i + 16 <= n {
            s0 += load(a, i) * load(b, i)
            i += 16
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < n {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// Squared Euclidean distance of two `n`-float vectors.
    @inline(__always)
    static func l2Squared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= n {
            let d0 = load(a, i) - load(b, i), d1 = load(a, i + 16) - load(b, i + 16)
            let d2 = load(a, i + 32) - load(b, i + 32), d3 = load(a, i + 48) - load(b, i + 48)
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            i += 64
        }
        while i + 16 <= n {
            let d = load(a, i) - load(b, i)
            s0 += d * d
            i += 16
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while i < n {
            let d = a[i] - b[i]
            sum += d * d
            i += 1
        }
        return sum
    }

    /// Distance under `metric` given the query, its norm, a row and the row's norm.
    @inline(__always)
    static func distance(_ metric: DistanceMetric, _ q: UnsafePointer<Float>, _ qNorm: Float,
                         _ row: UnsafePointer<Float>, _ rowNorm: Float, _ n: Int) -> Float {
        switch metric {
        case .cosine:
            let denom = qNorm * rowNorm
            return denom > 0 ? 1 - dot(q, row, n) / denom : 1
        case .ip:
            return 1 - dot(q, row, n)
        case .l2:
            return l2Squared(q, row, n)
        }
    }
}

/// Keeps the `k` smallest (distance, tiebreak) entries seen so far.
struct TopK {
    struct Entry {
        var distance: Float
        var segment: Int32
        var row: Int32
    }
    let k: Int
    private(set) var entries: [Entry] = []

    init(k: Int) {
        self.k = k
        entries.reserveCapacity(k + 1)
    }

    /// The distance a candidate must not exceed to enter (infinity until full).
    var threshold: Float { entries.count < k ? .infinity : entries[entries.count - 1].distance }

    /// Orders by distance, then segment, then row: the result does not depend on the order rows
    /// are offered in (the quantised scan offers them best bound first).
    @inline(__always)
    static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        if a.distance != b.distance { return a.distance < b.distance }
        return a.segment != b.segment ? a.segment < b.segment : a.row < b.row
    }

    @inline(__always)
    mutating func offer(_ distance: Float, segment: Int, row: Int) {
        let e = Entry(distance: distance, segment: Int32(segment), row: Int32(row))
        guard entries.count < k || Self.precedes(e, entries[entries.count - 1]) else { return }
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.precedes(entries[mid], e) { lo = mid + 1 } else { hi = mid }
        }
        entries.insert(e, at: lo)
        if entries.count > k { entries.removeLast() }
    }
}
