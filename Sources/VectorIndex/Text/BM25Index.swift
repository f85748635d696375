/// Okapi BM25 over short documents, with ``Tokenizer`` terms (Korean bigrams, English words).
///
/// Value type; `add` mutates, `search` does not. Document ids are the caller's `Int32` row ids.
/// IDF is Lucene's non-negative form `ln(1 + (N − n + 0.5) / (n + 0.5))`.
public struct BM25Index: Sendable {
    /// Ranking parameters.
    public struct Parameters: Sendable, Hashable {
        /// Term-frequency saturation (typical 1.2–2.0).
        public var k1: Double
        /// Length normalisation (0 = none, 1 = full).
        public var b: Double

        /// Creates parameters (defaults k1 = 1.2, b = 0.75).
        public init(k1: Double = 1.2, b: Double = 0.75) {
            self.k1 = k1
            self.b = b
        }
    }

    /// One hit: a document id and its BM25 score (higher is better).
    public struct Hit: Sendable, Hashable {
        /// The caller's document id.
        public var id: Int32
        /// BM25 score (> 0 for every returned hit).
        public var score: Float
    }

    /// Ranking parameters.
    public let parameters: Parameters
    /// How text is split into terms.
    public let tokenizer: Tokenizer

    private var termIDs: [String: Int32] = [:]
    /// Per term: (dense document slot, term frequency) pairs.
    private var postingDocs: [[Int32]] = []
    private var postingFreqs: [[UInt16]] = []
    private var docIDs: [Int32] = []
    private var docLengths: [Int32] = []
    private var totalLength = 0

    /// Creates an empty index.
    public init(parameters: Parameters = Parameters(), tokenizer: Tokenizer = Tokenizer()) {
        self.parameters = parameters
        self.tokenizer = tokenizer
    }

    /// Number of documents added.
    public var documentCount: Int { docIDs.count }

    /// Number of distinct terms.
    public var termCount: Int { termIDs.count }

    /// Adds a document. Adding the same id twice indexes it twice; callers keep ids unique.
    public mutating func add(id: Int32, text: String) {
        let slot = Int32(docIDs.count)
        let terms = tokenizer.tokens(text)
        docIDs.append(id)
        docLengths.append(Int32(terms.count))
        totalLength += terms.count
        var freqs: [String: Int] = [:]
        for t in terms { freqs[t, default: 0] += 1 }
        for (term, f) in freqs {
            let tid: Int
            if let existing = termIDs[term] {
                tid = Int(existing)
            } else {
                tid = postingDocs.count
                termIDs[term] = Int32(tid)
                postingDocs.append([])
                postingFreqs.append([])
            }
            postingDocs[tid].append(slot)
            postingFreqs[tid].append(UInt16(min(f, Int(UInt16.max))))
        }
    }

    /// The `k` best-scoring documents for `query` (only documents sharing a term score).
    ///
    /// - Parameters:
    ///   - query: free text, tokenized like the documents; repeated terms count once.
    ///   - k: how many hits at most.
    ///   - filter: optional predicate on document ids.
    /// - Returns: hits, best first (ties by id).
    public func search(_ query: String, k: Int, filter: ((Int32) -> Bool)? = nil) -> [Hit] {
        guard k > 0, !docIDs.isEmpty else { return [] }
        var seen = Set<String>()
        let terms = tokenizer.tokens(query).filter { seen.insert($0).inserted }
        let n = Double(docIDs.count)
        let avgdl = max(Double(totalLength) / n, 1)
        let k1 = parameters.k1
        let b = parameters.b
        var scores = [Float](repeating: 0, count: docIDs.count)
        var touched: [Int32] = []
        for term in terms {
            guard let tid = termIDs[term] else { continue }
            let docs = postingDocs[Int(tid)]
            let freqs = postingFreqs[Int(tid)]
            let df = Double(docs.count)
            let idf = naturalLog(1 + (n - df + 0.5) / (df + 0.5))
            for i in 0..<docs.count {
                let slot = Int(docs[i])
                let tf = Double(freqs[i])
                let dl = Double(docLengths[slot])
                let s = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
                if scores[slot] == 0 { touched.append(Int32(slot)) }
                scores[slot] += Float(s)
            }
        }
        var top = TopK(k: k)
        for slot in touched {
            let id = docIDs[Int(slot)]
            if let filter, !filter(id) { continue }
            let s = scores[Int(slot)]
            if s > 0 { top.insert(id: id, distance: -s) }
        }
        return top.sorted().map { Hit(id: $0.id, score: -$0.distance) }
    }
}
