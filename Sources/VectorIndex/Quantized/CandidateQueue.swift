/// The candidates of one quantised scan, handed out best bound first (ties: lower row first).
///
/// A binary min-heap of packed keys (see ``QuantizedRows/sortKey(upper:row:)``): building it is
/// linear and a caller that stops after a few dozen candidates never pays for sorting the rest.
/// Candidates whose bound is below the scan's final threshold are never handed out.
public struct CandidateQueue: Sequence, IteratorProtocol, Sendable {
    private var heap: [UInt64]
    private let threshold: Double

    init(keys: [UInt64], threshold: Double) {
        heap = keys
        self.threshold = threshold
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
    }

    /// Candidates not yet handed out (including any below the threshold).
    public var underestimatedCount: Int { 0 }

    public mutating func next() -> QuantizedRows.Candidate? {
        guard let top = heap.first else { return nil }
        let candidate = QuantizedRows.candidate(top)
        guard candidate.scoreBound >= threshold else {
            heap.removeAll()
            return nil
        }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return candidate
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1
            guard l < n else { return }
            let r = l + 1
            let child = r < n && heap[r] < heap[l] ? r : l
            guard heap[child] < heap[i] else { return }
            heap.swapAt(i, child)
            i = child
        }
    }
}
