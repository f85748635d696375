import VectorKernels

/// An 8-bit copy of a block of rows that turns an exact top-k into one cheap scan plus a few
/// full-precision re-scores, with the same result as scanning every row in full precision.
///
/// Component `i` is coded affinely, `x̂ᵢ = offsetᵢ + scaleᵢ · uᵢ` with `uᵢ ∈ 0...255` (offset = the
/// component's minimum over the rows, scale = its range / 255), and every row keeps `‖x − x̂‖`.
/// For a query `q` the scan computes `q·x̂` for every row from the codes in integer arithmetic
/// (with the scaled query `qᵢ·scaleᵢ` rounded to 7 bits, error `δ`) and an interval that certainly
/// contains the row's full-precision score:
///
///     q·x ∈ q·x̂ + δ·c ± (‖q‖·‖x − x̂‖ + ‖δ‖·‖u − c‖ + ε)
///
/// where `c` is the mean code of each component (centring the codes makes the rounding term 4×
/// smaller on real embeddings than `‖δ‖·‖u‖`),
/// (`ε` covers floating-point rounding, including the caller's own float32 re-scoring). A row whose
/// upper end is below the k-th highest lower end cannot be in the top k; the others, the
/// *candidates* (a few dozen on real embeddings), are re-scored by the caller. See
/// docs/modules/index.md, "Quantised exact scan".
public final class QuantizedRows: @unchecked Sendable {
    // @unchecked: every stored property is written once in `init` and only read afterwards.

    /// What a row's score is (higher is better).
    public enum Ranking: Sendable, Hashable {
        /// `q · x` (cosine on normalised rows, inner product).
        case dot
        /// `q · x − ‖x‖² / 2`, which orders rows as ascending L2 distance does.
        case negativeHalfSquaredL2
    }

    /// Rows coded.
    public let rowCount: Int
    /// Components per row.
    public let dimension: Int
    /// Whether rows were L2-normalised before coding (queries must then be normalised too).
    public let normalized: Bool
    /// How scores are defined.
    public let ranking: Ranking
    /// Bytes per coded row (a multiple of 32; padding codes are zero).
    let stride: Int
    private let codes: UnsafeMutableRawPointer
    private let offsets: [Double]
    private let scales: [Double]
    /// The per-row terms of the interval, one record per coded row (read together for the rows
    /// the kernel keeps).
    private let rowTerms: [RowTerms]
    /// `Σuᵢ` of each coded row (the portable kernel's weight offset is taken back with it).
    private let codeSums: [Int32]
    /// `c`, the mean code of each component.
    private let centres: [Double]
    /// Largest norm of a (normalised) row: scales the rounding allowance.
    private let maxRowNorm: Double
    private let kernel: KernelSelection
    /// Groups of identical rows, nil when all rows differ. Codes and per-row terms are per group.
    private let duplicates: DuplicateRows?

    private let maxErrorNorm: Double
    private let maxCodeNorm: Double
    private let maxBias: Double
    private let maxResidual: Double

    /// What the interval of one coded row needs besides its integer sum.
    struct RowTerms {
        /// `‖x − x̂‖`, rounded up.
        var errorNorm: Double
        /// `‖u − c‖`, rounded up.
        var codeNorm: Double
        /// `−‖x‖²/2` for ``Ranking/negativeHalfSquaredL2``, else 0.
        var bias: Double
        /// A caller-supplied per-row term of the interval, scaled per query (``ProjectedRows``:
        /// the norm of the row's part outside the projection); 0 by default.
        var residual: Double
    }

    /// Distinct rows (the rows coded and scanned).
    public var distinctRowCount: Int { duplicates?.representatives.count ?? rowCount }

    /// Bytes held by the codes.
    public var codeBytes: Int { distinctRowCount * stride }

    /// Codes `rowCount × dimension` floats at `rows`.
    ///
    /// - Parameters:
    ///   - normalize: code `x / ‖x‖` (cosine); zero rows stay zero.
    ///   - kernel: which compiled scan kernel to use (tests pin it; default: this CPU's best).
    ///   - residualNorms: a non-negative term per row that ``candidates(query:k:allowed:residualScale:slack:)``
    ///     multiplies by its `residualScale` and adds to the row's interval; rows with identical
    ///     codes share one interval, with the largest of their terms. Nil means 0.
    public init(rows: UnsafePointer<Float>, rowCount: Int, dimension: Int, normalize: Bool, ranking: Ranking = .dot,
                kernel: KernelSelection = .current, residualNorms: [Double]? = nil) {
        precondition(dimension > 0 && rowCount >= 0, "QuantizedRows needs a positive dimension")
        precondition(dimension <= VectorKernels.Q8Kernel.maxStride, "QuantizedRows codes at most \(VectorKernels.Q8Kernel.maxStride) components")
        self.rowCount = rowCount
        self.dimension = dimension
        self.normalized = normalize
        self.ranking = ranking
        self.kernel = kernel
        let stride = (dimension + 31) / 32 * 32
        self.stride = stride
        let duplicates = DuplicateRows(rows: rows, rowCount: rowCount, dimension: dimension)
        self.duplicates = duplicates.isIdentity ? nil : duplicates
        let coding = QuantizedCoding(rows: rows, sourceRows: duplicates.representatives, dimension: dimension, stride: stride,
                                     normalize: normalize, ranking: ranking)
        codes = coding.codes
        offsets = coding.offsets
        scales = coding.scales
        centres = coding.centres
        precondition(residualNorms.map { $0.count == rowCount } ?? true, "one residual norm per row")
        let representatives = duplicates.representatives
        // Identical coded rows share one group; a group's residual is its members' largest.
        var groupResiduals = [Double](repeating: 0, count: representatives.count)
        if let residualNorms {
            for g in representatives.indices {
                for i in Int(duplicates.memberStarts[g])..<Int(duplicates.memberStarts[g + 1]) {
                    groupResiduals[g] = max(groupResiduals[g], residualNorms[Int(duplicates.members[i])])
                }
            }
        }
        rowTerms = coding.errorNorms.indices.map { g in
            RowTerms(errorNorm: coding.errorNorms[g], codeNorm: coding.codeNorms[g],
                     bias: coding.biases.isEmpty ? 0 : coding.biases[g], residual: groupResiduals[g])
        }
        codeSums = coding.codeSums
        maxRowNorm = coding.maxRowNorm
        maxErrorNorm = coding.errorNorms.max() ?? 0
        maxCodeNorm = coding.codeNorms.max() ?? 0
        maxBias = coding.biases.max() ?? 0
        maxResidual = residualNorms?.max() ?? 0
    }

    deinit { codes.deallocate() }

    /// A row that may be among the top k, with an upper bound on its full-precision score.
    public struct Candidate: Sendable, Hashable {
        /// Row number.
        public var row: Int32
        /// No full-precision score of this row (as the caller computes it in float32) exceeds this.
        public var scoreBound: Double
    }

    /// The rows that can be among the `k` highest-scoring rows for `query` (already normalised when
    /// ``normalized``); never drops a row of the full-precision top k.
    ///
    /// Candidates come best bound first: a caller re-scoring them in order can stop at the first
    /// whose bound is below its k-th best full-precision score.
    ///
    /// - Parameters:
    ///   - allowed: per-row admission (filters, deletions); nil admits every row.
    /// - Returns: fewer than `k` admitted rows are all returned.
    ///   - residualScale: multiplies each row's residual term (see `init`); must be ≥ 0.
    ///   - slack: added to every row's interval (the caller's own error allowances); must be ≥ 0.
    public func candidates(query: UnsafeBufferPointer<Float>, k: Int, allowed: [Bool]? = nil,
                           residualScale: Double = 0, slack: Double = 0) -> CandidateQueue {
        precondition(query.count == dimension, "query has \(query.count) components, rows have \(dimension)")
        guard rowCount > 0, k > 0 else { return CandidateQueue(keys: [], threshold: 0) }
        let prepared = PreparedQuery(query: query, offsets: offsets, scales: scales, centres: centres, stride: stride)
        // Allowance for float32 rounding in the caller's re-scoring and in normalisation: a float32
        // dot product of n terms is within n·2⁻²⁴·‖q‖‖x‖ of the real one (twice that, and the
        // squared norms, for L2 distances).
        let magnitude = ranking == .dot ? prepared.queryNorm * maxRowNorm
            : (prepared.queryNorm + maxRowNorm) * (prepared.queryNorm + maxRowNorm)
        // Distances are `1 − score` in float32 for dot rankings: two roundings of up to an ulp of
        // `1 + |score|` are added, so rows this scan orders apart are also apart (not tied) in
        // the caller's float32 distances, and ties keep the caller's tie order.
        let distanceRounding = ranking == .dot ? 4 * 0x1p-24 * (1 + magnitude) : 0
        let epsilon = 4 * Double(dimension + 16) * 0x1p-24 * magnitude + 1e-9 + slack + distanceRounding
        let widest = prepared.queryNorm * maxErrorNorm + prepared.roundingNorm * maxCodeNorm + epsilon + maxBias
            + residualScale * maxResidual
        // Overflowing magnitudes (finite floats whose squares are not) void the bounds: then every
        // admitted row is a candidate and the caller's full-precision pass decides.
        // Scores that may overflow float32 in the caller's re-score void the bounds too.
        guard epsilon.isFinite, widest.isFinite, prepared.constant.isFinite, prepared.step.isFinite, residualScale >= 0,
              slack >= 0, magnitude < Self.floatScoreLimit else {
            let all = (0..<rowCount).filter { allowed?[$0] ?? true }
            return CandidateQueue(keys: all.map { Self.sortKey(upper: .infinity, row: $0) }, threshold: -.infinity)
        }
        // One pass in blocks of rows (the kernel's sums stay in L1; no per-query heap buffer):
        // the k-th highest lower end so far only rises, so a row whose upper end is below it is
        // out for good; the survivors are filtered by the final threshold. Most rows are rejected
        // inside the kernel by one integer comparison against the widest interval any row can have
        // (the cut of the previous blocks: a lower cut only keeps more rows for the exact test).
        return SmallestOfLargest.with(k: k) { best in
            var survivors: [UInt64] = []
            var integerCut = Int32.min
            var cutFor = -Double.infinity
            let block = 256
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * block) { scratch in
                let sums = scratch.baseAddress!, hits = scratch.baseAddress! + block
                rowTerms.withUnsafeBufferPointer { terms in
                codeSums.withUnsafeBufferPointer { codeSums in
                prepared.signedWeights.withUnsafeBufferPointer { signedWeights in
                prepared.offsetWeights.withUnsafeBufferPointer { offsetWeights in
                    let groups = distinctRowCount
                    var start = 0
                    while start < groups {
                        let n = min(block, groups - start)
                        let kept = kernel.scan(codes: codes + start * stride, rowCount: n, stride: stride,
                                               signedWeights: signedWeights.baseAddress!,
                                               offsetWeights: offsetWeights.baseAddress!,
                                               codeSums: codeSums.baseAddress! + start, minimum: integerCut,
                                               sums: sums, hits: hits)
                        for h in 0..<kept {
                            let j = Int(hits[h])
                            let g = start + j
                            let t = terms[g]
                            let centre = prepared.constant + prepared.step * Double(sums[j]) + t.bias
                            let width = prepared.queryNorm * t.errorNorm + prepared.roundingNorm * t.codeNorm + epsilon
                                + residualScale * t.residual
                            let upper = centre + width
                            guard upper >= best.threshold else { continue }
                            // Admitted rows of this group (identical rows count once each).
                            var admitted = 1
                            if let duplicates {
                                admitted = duplicates.admittedCount(group: g, allowed: allowed)
                            } else if let allowed, !allowed[g] {
                                admitted = 0
                            }
                            if admitted == 0 { continue }
                            for _ in 0..<min(admitted, k) { best.offer(centre - width) }
                            if let duplicates {
                                duplicates.forEachAdmitted(group: g, allowed: allowed) {
                                    survivors.append(Self.sortKey(upper: upper, row: $0))
                                }
                            } else {
                                survivors.append(Self.sortKey(upper: upper, row: g))
                            }
                        }
                        if best.threshold > cutFor, prepared.step > 0 {
                            // upper ≤ constant + step·I + widest, so I below this cannot reach the threshold.
                            cutFor = best.threshold
                            let cut = ((cutFor - prepared.constant - widest) / prepared.step).rounded(.down) - 1
                            integerCut = cut <= Double(Int32.min) ? .min : (cut >= Double(Int32.max) ? .max : Int32(cut))
                        }
                        start += n
                    }
                }
                }
                }
                }
            }
            return CandidateQueue(keys: survivors, threshold: best.threshold)
        }
    }

    /// Products of norms from here on may overflow float32 sums (all rows become candidates).
    static let floatScoreLimit = Double(Float.greatestFiniteMagnitude) / 16

    /// A sort key that orders by descending bound, then ascending row: the bound rounded *up* to
    /// float32 (it stays a bound) as order-preserving bits, inverted, above the row number.
    static func sortKey(upper: Double, row: Int) -> UInt64 {
        var f = Float(upper)
        if Double(f) < upper { f = f.nextUp }
        let bits = f.bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(~ordered) << 32 | UInt64(UInt32(truncatingIfNeeded: row))
    }

    static func candidate(_ key: UInt64) -> Candidate {
        let ordered = ~UInt32(truncatingIfNeeded: key >> 32)
        let bits = ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered
        return Candidate(row: Int32(truncatingIfNeeded: key & 0xFFFF_FFFF), scoreBound: Double(Float(bitPattern: bits)))
    }
}

/// A query rounded for ``Q8Kernel``: 7-bit weights in both kernels' layouts plus the terms
/// that turn integer row sums back into scores.
struct PreparedQuery {
    /// The signed 7-bit weights, in component order (zero-padded to the row stride).
    var signedWeights: [Int8]
    /// The same weights plus ``Q8Kernel/weightOffset``, in the portable kernel's even/odd layout.
    var offsetWeights: [UInt16]
    /// `Σ qᵢ · offsetᵢ + Σ δᵢ · cᵢ`.
    var constant: Double
    /// Value of one unit of the integer sum.
    var step: Double
    /// `‖δ‖`, the 7-bit rounding error of the scaled query.
    var roundingNorm: Double
    /// `‖q‖`.
    var queryNorm: Double

    init(query: UnsafeBufferPointer<Float>, offsets: [Double], scales: [Double], centres: [Double], stride: Int) {
        let dim = query.count
        var scaled = [Double](repeating: 0, count: dim)
        var constant = 0.0, norm2 = 0.0, maxAbs = 0.0
        for i in 0..<dim {
            let q = Double(query[i])
            constant += q * offsets[i]
            norm2 += q * q
            scaled[i] = q * scales[i]
            maxAbs = max(maxAbs, abs(scaled[i]))
        }
        let step = maxAbs / Double(VectorKernels.Q8Kernel.maxWeight)
        var signedWeights = [Int8](repeating: 0, count: stride)
        var offsetWeights = [UInt16](repeating: 0, count: stride)
        let limit = Double(VectorKernels.Q8Kernel.maxWeight)
        var rounding2 = 0.0
        for i in 0..<dim {
            let level = step > 0 ? min(max((scaled[i] / step).rounded(), -limit), limit) : 0
            let d = scaled[i] - level * step
            rounding2 += d * d
            constant += d * centres[i]
            // Layout per 32-component block: 16 even components, then 16 odd ones.
            let block = i / 32 * 32, j = i % 32
            signedWeights[i] = Int8(level)
            offsetWeights[block + (j % 2) * 16 + j / 2] = UInt16(Int(level) + VectorKernels.Q8Kernel.weightOffset)
        }
        self.signedWeights = signedWeights
        self.offsetWeights = offsetWeights
        self.constant = constant
        self.step = step
        self.roundingNorm = rounding2.squareRoot() * (1 + 1e-12) + 1e-12
        self.queryNorm = norm2.squareRoot() * (1 + 1e-12)
    }
}

/// The k-th largest of the values offered so far (−∞ until k values were offered).
struct SmallestOfLargest {
    /// A min-heap of the k largest values offered (storage owned by the caller's scope).
    private let heap: UnsafeMutablePointer<Double>
    private let k: Int
    private var count = 0
    /// The k-th largest value offered so far; −∞ until k values were offered.
    private(set) var threshold = -Double.infinity

    /// Runs `body` with an empty instance whose storage lives for the call.
    static func with<R>(k: Int, _ body: (inout SmallestOfLargest) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(k, 1)) { storage in
            var instance = SmallestOfLargest(heap: storage.baseAddress!, k: max(k, 1))
            return body(&instance)
        }
    }

    private init(heap: UnsafeMutablePointer<Double>, k: Int) {
        self.heap = heap
        self.k = k
    }

    @inline(__always)
    mutating func offer(_ v: Double) {
        if count < k {
            // Sift up.
            var i = count
            heap[i] = v
            count += 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard heap[parent] > heap[i] else { break }
                (heap[parent], heap[i]) = (heap[i], heap[parent])
                i = parent
            }
            if count == k { threshold = heap[0] }
            return
        }
        guard v > heap[0] else { return }
        // Replace the minimum and sift down.
        heap[0] = v
        var i = 0
        while true {
            let l = 2 * i + 1
            guard l < k else { break }
            let r = l + 1
            let child = r < k && heap[r] < heap[l] ? r : l
            guard heap[child] < heap[i] else { break }
            (heap[i], heap[child]) = (heap[child], heap[i])
            i = child
        }
        threshold = heap[0]
    }
}
