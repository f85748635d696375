import Foundation
import Providers

/// Picks the few-shot examples for a shop: hybrid retrieval within the shop's category, then
/// MMR over character n-grams of the summaries so the k examples are not near-copies of each
/// other. Falls back to the other categories only when the shop's category has no examples, and
/// says so in the selection (recorded in the output row).
public struct ExampleSelector: Sendable {
    /// Selection knobs.
    public struct Configuration: Sendable {
        /// Examples per prompt.
        public var k: Int = 3
        /// Candidates retrieved before diversification.
        public var candidatePool: Int = 12
        /// MMR trade-off: 1 = relevance only, 0 = diversity only.
        public var lambda: Double = 0.65
        /// Whether to use other categories' examples when a category has none.
        public var crossCategoryFallback: Bool = true
        /// Creates a configuration.
        public init(k: Int = 3) { self.k = k }
    }

    /// The chosen examples and how they were found.
    public struct Selection: Sendable, Hashable {
        /// Examples in prompt order.
        public var examples: [ExampleSummary]
        /// True when the shop's category had no examples and others were used.
        public var usedFallback: Bool
        /// Human note for the output row when `usedFallback` (`no examples in waiting_hotplace; used …`).
        public var note: String?
    }

    /// The configuration in use.
    public let configuration: Configuration
    /// The candidate source.
    public let source: any ExampleSource

    /// Creates a selector over `source`.
    public init(source: any ExampleSource, configuration: Configuration = .init()) {
        self.source = source
        self.configuration = configuration
    }

    /// The retrieval query text for a shop: name, cuisine and the start of its reviews.
    public static func queryText(for shop: Shop, maxCharacters: Int = 400) -> String {
        let text = ([shop.cuisine ?? "", shop.name] + shop.reviews.prefix(5).map(\.text)).joined(separator: " ")
        return String(text.prefix(maxCharacters))
    }

    /// Selects examples for a shop of `category` whose query embeds to `vector`.
    /// - Throws: `PipelineError` (`.store`) wrapping the store's error.
    public func select(category: ShopCategory, vector: [Float], text: String) throws -> Selection {
        guard configuration.k > 0 else { return Selection(examples: [], usedFallback: false, note: nil) }
        let pool = max(configuration.k, configuration.candidatePool)
        var candidates = try fetch(category, vector: vector, text: text, limit: pool)
        var usedFallback = false
        var note: String?
        if candidates.isEmpty, configuration.crossCategoryFallback {
            let others = ShopCategory.allCases.filter { $0 != category }
            var used: [String] = []
            for other in others {
                let found = try fetch(other, vector: vector, text: text, limit: pool)
                if !found.isEmpty { used.append(other.rawValue) }
                candidates += found
            }
            candidates.sort { $0.relevance > $1.relevance }
            usedFallback = !candidates.isEmpty
            note = usedFallback ? "no examples in \(category.rawValue); used \(used.joined(separator: ", "))"
                : "no examples in any category"
        }
        let profiles = candidates.map { ExtractiveSimilarity.Profile($0.example.summary) }
        let order = ExtractiveSimilarity.mmr(relevance: candidates.map(\.relevance), k: configuration.k,
                                             lambda: configuration.lambda) {
            ExtractiveSimilarity.cosine(profiles[$0], profiles[$1])
        }
        return Selection(examples: order.map { candidates[$0].example }, usedFallback: usedFallback, note: note)
    }

    private func fetch(_ category: ShopCategory, vector: [Float], text: String, limit: Int) throws -> [ExampleCandidate] {
        do {
            return try source.candidates(category: category, vector: vector, text: text, limit: limit)
        } catch {
            throw PipelineError.exampleSearch(collection: category.examplesCollection, cause: error)
        }
    }
}
