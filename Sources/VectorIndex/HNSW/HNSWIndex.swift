/// A hierarchical navigable small-world graph (Malkov & Yashunin 2016) for approximate
/// nearest-neighbour search, with filtered search, integrity checks and a checksummed binary form.
///
/// Value type: inserting mutates, searching does not, so a built index can be shared between
/// threads freely. Row ids are `Int32` in insertion order (0, 1, 2, …); callers map them to
/// their own ids. Vectors are copied in (normalised for ``IndexMetric/cosine``).
///
/// ```swift
/// var index = HNSWIndex(dimension: 384, metric: .cosine, configuration: .init(seed: 7))
/// try index.insert(vector)                     // returns the row id
/// let hits = try index.search(query, k: 10)    // nearest first
/// let bytes = index.serialized()               // magic + version + CRC32C
/// let again = try HNSWIndex(serialized: bytes)
/// ```
public struct HNSWIndex: Sendable {
    /// Graph parameters (hnswlib's names and defaults).
    public struct Configuration: Sendable, Hashable {
        /// Links per node on upper levels; level 0 keeps `2·m`.
        public var m: Int
        /// Candidate list size while inserting (higher: better graph, slower build).
        public var efConstruction: Int
        /// Default candidate list size while searching (raised to `k` when smaller).
        public var efSearch: Int
        /// Seed of the level generator, for reproducible builds.
        public var seed: UInt64

        /// Creates a configuration.
        public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 100) {
            self.m = m
            self.efConstruction = efConstruction
            self.efSearch = efSearch
            self.seed = seed
        }

        /// Links per node on level 0.
        public var maxM0: Int { 2 * m }
    }

    /// The parameters this index was built with.
    public let configuration: Configuration
    /// Components per vector.
    public let dimension: Int
    /// The distance the graph is built for.
    public let metric: IndexMetric

    // MARK: - Storage (flat arrays, no per-node allocations)

    /// `count × dimension` floats.
    var vectors: [Float] = []
    /// Top level of each node.
    var levels: [UInt8] = []
    /// Level-0 links: per node `1 + maxM0` slots; slot 0 holds the link count.
    var level0: [Int32] = []
    /// Per node, the offset of its upper-level block in ``upperLinks`` (−1 for level-0 nodes).
    var upperOffsets: [Int32] = []
    /// Upper-level links: per node with level L, L blocks of `1 + m` slots (levels 1…L).
    var upperLinks: [Int32] = []
    /// The node searches start from (−1 when empty).
    var entryPoint: Int32 = -1
    /// The level of ``entryPoint`` (−1 when empty).
    var maxLevel: Int = -1
    /// Draws node levels.
    var rng: any RandomNumberGenerator & Sendable

    /// Creates an empty index whose levels come from `SplitMix64(seed: configuration.seed)`.
    public init(dimension: Int, metric: IndexMetric, configuration: Configuration = Configuration()) {
        self.init(dimension: dimension, metric: metric, configuration: configuration,
                  rng: SplitMix64(seed: configuration.seed))
    }

    /// Creates an empty index that draws node levels from an injected generator.
    public init(dimension: Int, metric: IndexMetric, configuration: Configuration,
                rng: some RandomNumberGenerator & Sendable) {
        precondition(dimension > 0, "dimension must be positive")
        var config = configuration
        config.m = max(2, config.m)
        config.efConstruction = max(config.efConstruction, config.m)
        config.efSearch = max(1, config.efSearch)
        self.configuration = config
        self.dimension = dimension
        self.metric = metric
        self.rng = rng
    }

    /// How many vectors the index holds.
    public var count: Int { levels.count }

    /// Whether the index holds no vectors.
    public var isEmpty: Bool { levels.isEmpty }

    /// The stored (normalised, for cosine) vector of row `id`.
    public func vector(at id: Int32) -> [Float] {
        let start = Int(id) * dimension
        return Array(vectors[start..<(start + dimension)])
    }

    /// Approximate heap memory held by the graph and vectors, in bytes.
    public var memoryBytes: Int {
        vectors.count * 4 + levels.count + level0.count * 4 + upperOffsets.count * 4 + upperLinks.count * 4
    }

    // MARK: - Link access

    @inline(__always)
    var level0Stride: Int { configuration.maxM0 + 1 }

    @inline(__always)
    var upperStride: Int { configuration.m + 1 }

    /// Index into the link array of `level` for `node`'s block (count slot).
    @inline(__always)
    func linkBase(_ node: Int32, level: Int) -> Int {
        if level == 0 { return Int(node) * level0Stride }
        return Int(upperOffsets[Int(node)]) + (level - 1) * upperStride
    }

    /// The links of `node` on `level` (copied; for integrity checks and tests).
    func links(of node: Int32, level: Int) -> [Int32] {
        let base = linkBase(node, level: level)
        if level == 0 {
            let n = Int(level0[base])
            return Array(level0[(base + 1)..<(base + 1 + n)])
        }
        let n = Int(upperLinks[base])
        return Array(upperLinks[(base + 1)..<(base + 1 + n)])
    }

    /// Draws a level: `⌊−ln(U)·mL⌋`, `mL = 1/ln(m)`, capped at 15.
    mutating func randomLevel() -> Int {
        let u = Double.random(in: 0..<1, using: &rng)
        let ml = 1 / naturalLog(Double(configuration.m))
        let level = Int((-naturalLog(1 - u) * ml).rounded(.down))
        return min(level, 15)
    }
}

@inline(__always)
func naturalLog(_ x: Double) -> Double {
    // Natural logarithm without Foundation (the module stays dependency-free).
    guard x > 0 else { return -.infinity }
    var m = x
    var e = 0.0
    while m > 2 { m /= 2; e += 1 }
    while m < 1 { m *= 2; e -= 1 }
    // ln(m) for m in [1, 2) via atanh series: ln(m) = 2·atanh((m−1)/(m+1)).
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    var term = t
    var sum = 0.0
    var k = 1.0
    while k < 60 {
        sum += term / k
        term *= t2
        k += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_3
}
