/// A bitset of visited node ids for one graph search.
struct VisitedSet {
    private var words: [UInt64]

    init(capacity: Int) {
        words = [UInt64](repeating: 0, count: (capacity + 63) >> 6)
    }

    /// Marks `id`; returns true when it was not marked before.
    @inline(__always)
    mutating func insert(_ id: Int32) -> Bool {
        let i = Int(id)
        let w = i >> 6
        let bit = UInt64(1) << UInt64(i & 63)
        let old = words[w]
        if old & bit != 0 { return false }
        words[w] = old | bit
        return true
    }

    /// Clears all marks and makes room for `capacity` ids.
    mutating func reset(capacity: Int) {
        let need = (capacity + 63) >> 6
        if words.count < need {
            words = [UInt64](repeating: 0, count: need)
        } else {
            for i in words.indices { words[i] = 0 }
        }
    }
}
