import Foundation
import Providers
import VectorStore

/// A retrieved example with its relevance to the query (higher is better, any scale).
public struct ExampleCandidate: Sendable, Hashable {
    /// The example.
    public var example: ExampleSummary
    /// Relevance to the shop's query.
    public var relevance: Double

    /// Creates a candidate.
    public init(example: ExampleSummary, relevance: Double) {
        self.example = example
        self.relevance = relevance
    }
}

/// Where example candidates come from: the vector store (production) or memory (tests, eval).
public protocol ExampleSource: Sendable {
    /// Up to `limit` candidates of `category`, most relevant first; empty when the category has none.
    func candidates(category: ShopCategory, vector: [Float], text: String, limit: Int) throws -> [ExampleCandidate]
}

/// Examples from the `<category>_examples` collections, by hybrid (BM25 + vector, RRF) search.
public struct VectorStoreExampleSource: ExampleSource {
    /// The open store.
    public let database: VectorDatabase
    /// Hybrid search (default) or vector only.
    public var hybrid: Bool

    /// Creates a source over `database`.
    public init(database: VectorDatabase, hybrid: Bool = true) {
        self.database = database
        self.hybrid = hybrid
    }

    public func candidates(category: ShopCategory, vector: [Float], text: String, limit: Int) throws -> [ExampleCandidate] {
        let collection: VectorCollection
        do {
            collection = try database.collection(named: category.examplesCollection)
        } catch let error as StorageError where error.code == .collectionNotFound {
            return []
        }
        guard try collection.count() > 0 else { return [] }
        let hits = hybrid && !text.isEmpty
            ? try collection.hybridQuery(vector: vector, text: text, k: limit)
            : try collection.query(vector: vector, k: limit)
        return hits.enumerated().compactMap { rank, hit in
            guard let example = ExampleRecordCoding.example(id: hit.id, document: hit.document, metadata: hit.metadata,
                                                            category: category) else { return nil }
            // Fused rank order from the store, nudged by vector similarity.
            let relevance = 1.0 / Double(rank + 1) + 0.5 * (1 - Double(hit.distance))
            return ExampleCandidate(example: example, relevance: relevance)
        }
    }
}

/// Examples held in memory, ranked by cosine similarity of embeddings (tests, `eval` without a store).
public struct InMemoryExampleSource: ExampleSource {
    /// Examples with their vectors.
    public var entries: [(example: ExampleSummary, vector: [Float])]

    /// Creates a source from examples and their vectors (same order).
    public init(examples: [ExampleSummary], vectors: [[Float]]) {
        entries = Array(zip(examples, vectors)).map { (example: $0.0, vector: $0.1) }
    }

    public func candidates(category: ShopCategory, vector: [Float], text: String, limit: Int) throws -> [ExampleCandidate] {
        var found: [ExampleCandidate] = []
        for entry in entries where entry.example.category == category {
            found.append(ExampleCandidate(example: entry.example, relevance: Self.cosine(entry.vector, vector)))
        }
        found.sort { (a: ExampleCandidate, b: ExampleCandidate) -> Bool in
            a.relevance != b.relevance ? a.relevance > b.relevance : a.example.id < b.example.id
        }
        return Array(found.prefix(limit))
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot: Float = 0
        var na: Float = 0
        var nb: Float = 0
        for i in a.indices {
            let x: Float = a[i], y: Float = b[i]
            dot += x * y
            na += x * x
            nb += y * y
        }
        guard na > 0, nb > 0 else { return 0 }
        let denominator: Float = na.squareRoot() * nb.squareRoot()
        return Double(dot / denominator)
    }
}

/// How an ``ExampleSummary`` is stored as a vector record: `document` = summary, metadata
/// `category`, `shop_name`, `cuisine`, `tags` (comma-joined). Decoding also accepts `shopName`/`name`.
public enum ExampleRecordCoding {
    /// The record for `example` with its embedding.
    public static func record(for example: ExampleSummary, vector: [Float]) -> VectorRecord {
        var metadata: Metadata = ["category": .string(example.category.rawValue), "shop_name": .string(example.shopName),
                                  "tags": .string(example.tags.joined(separator: ","))]
        if let cuisine = example.cuisine { metadata["cuisine"] = .string(cuisine) }
        return VectorRecord(id: example.id, vector: vector, document: example.summary, metadata: metadata)
    }

    /// The text embedded for an example (summary plus cuisine, so cuisine words help retrieval).
    public static func embeddingText(for example: ExampleSummary) -> String {
        [example.cuisine ?? "", example.summary].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Rebuilds an example from a stored record; `nil` when it has no document.
    public static func example(id: String, document: String?, metadata: Metadata, category: ShopCategory) -> ExampleSummary? {
        guard let summary = document, !summary.isEmpty else { return nil }
        func string(_ key: String) -> String? {
            if case .string(let s)? = metadata[key] { return s }
            return nil
        }
        let stored = string("category").flatMap(ShopCategory.init(name:)) ?? category
        let tags = (string("tags") ?? "").split(separator: ",").map(String.init)
        return ExampleSummary(id: id, category: stored, shopName: string("shop_name") ?? string("shopName") ?? string("name") ?? "",
                              cuisine: string("cuisine"), summary: summary, tags: tags)
    }
}
