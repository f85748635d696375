import Foundation
import Providers

/// Finds the curated example summaries closest to a query vector within one category.
public protocol ExampleRetriever: Sendable {
    /// Up to `k` examples of `category`, best first.
    /// - Throws: ``PipelineError`` (`.examplesMissing`, `.store`, `.embedderMismatch`).
    func examples(for category: ShopCategory, queryVector: [Float], queryText: String, k: Int) async throws
        -> [ExampleSummary]
}

/// Exact cosine search over examples held in memory (tests, and small example sets).
public struct InMemoryExampleRetriever: ExampleRetriever {
    private let entries: [(example: ExampleSummary, vector: [Float])]

    /// Creates a retriever over pre-embedded examples.
    public init(entries: [(ExampleSummary, [Float])]) {
        self.entries = entries.map { (example: $0.0, vector: $0.1) }
    }

    /// Embeds `examples` (document task) and holds them.
    public static func embedding(_ examples: [ExampleSummary], with embedder: any Embedder) async throws
        -> InMemoryExampleRetriever
    {
        let vectors = try await embedder.embed(examples.map(ExampleRecordCoding.embeddingText(for:)),
                                               task: .retrievalDocument)
        return InMemoryExampleRetriever(entries: Array(zip(examples, vectors)))
    }

    public func examples(for category: ShopCategory, queryVector: [Float], queryText: String, k: Int) async throws
        -> [ExampleSummary]
    {
        let scored = entries.filter { $0.example.category == category }.map { entry in
            (entry.example, zip(entry.vector, queryVector).reduce(Float(0)) { $0 + $1.0 * $1.1 })
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }.prefix(k).map(\.0)
    }
}

/// The query text of a shop for example retrieval (documents: ``ExampleRecordCoding``).
public enum ExampleText {
    /// Query text for a shop: name, cuisine, badges and the first reviews (bounded length).
    public static func query(_ shop: Shop) -> String {
        var parts = [shop.name]
        if let cuisine = shop.cuisine { parts.append(cuisine) }
        parts += shop.badges.prefix(2)
        var budget = 600
        for review in shop.reviews where budget > 0 {
            let text = String(review.text.prefix(budget))
            parts.append(text)
            budget -= text.count
        }
        return parts.joined(separator: "\n")
    }
}
