/// A binary min-heap of `(key, id)` pairs in two parallel arrays (no tuples in the hot path).
///
/// A max-heap is the same heap with negated keys; ``TopK`` and the HNSW search use it that way.
struct DistanceHeap {
    private(set) var keys: [Float] = []
    private(set) var ids: [Int32] = []

    init(capacity: Int = 0) {
        keys.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }
    /// The smallest key; only valid when not empty.
    var topKey: Float { keys[0] }
    var topID: Int32 { ids[0] }

    mutating func push(_ key: Float, _ id: Int32) {
        keys.append(key)
        ids.append(id)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if keys[parent] <= key { break }
            keys[i] = keys[parent]
            ids[i] = ids[parent]
            i = parent
        }
        keys[i] = key
        ids[i] = id
    }

    @discardableResult
    mutating func pop() -> (key: Float, id: Int32) {
        let top = (keys[0], ids[0])
        let lastKey = keys.removeLast()
        let lastID = ids.removeLast()
        if !keys.isEmpty { siftDown(lastKey, lastID) }
        return top
    }

    /// Replaces the top with `(key, id)` and restores the heap (cheaper than pop + push).
    mutating func replaceTop(_ key: Float, _ id: Int32) {
        siftDown(key, id)
    }

    private mutating func siftDown(_ key: Float, _ id: Int32) {
        let n = keys.count
        var i = 0
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n, keys[child + 1] < keys[child] { child += 1 }
            if keys[child] >= key { break }
            keys[i] = keys[child]
            ids[i] = ids[child]
            i = child
        }
        keys[i] = key
        ids[i] = id
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
    }
}

/// Keeps the `k` smallest distances seen (a bounded max-heap); ties keep the lower row id.
public struct TopK: Sendable {
    private var heap: DistanceHeap
    /// How many results are kept at most.
    public let k: Int

    /// Creates a selector for the `k` nearest.
    public init(k: Int) {
        self.k = max(0, k)
        heap = DistanceHeap(capacity: self.k)
    }

    /// The current worst kept distance, or `+∞` while fewer than `k` are kept.
    public var threshold: Float { heap.count < k ? .infinity : -heap.topKey }

    /// Offers one candidate.
    public mutating func insert(id: Int32, distance: Float) {
        guard k > 0, !distance.isNaN else { return }
        if heap.count < k {
            heap.push(-distance, id)
        } else {
            let worst = -heap.topKey
            if distance < worst || (distance == worst && id < heap.topID) {
                heap.replaceTop(-distance, id)
            }
        }
    }

    /// The kept results, nearest first (ties by row id).
    public func sorted() -> [SearchResult] {
        var out: [SearchResult] = []
        out.reserveCapacity(heap.count)
        for i in 0..<heap.count { out.append(SearchResult(id: heap.ids[i], distance: -heap.keys[i])) }
        out.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
        return out
    }
}
