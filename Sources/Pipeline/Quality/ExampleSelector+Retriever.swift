import Foundation

/// Lets the batch runner use the selector (hybrid retrieval + MMR + fallback) wherever it takes
/// an ``ExampleRetriever``. The `k` of the call wins over the configured one. Use
/// ``ExampleSelector/select(category:vector:text:)`` directly to also record the fallback flag.
extension ExampleSelector: ExampleRetriever {
    public func examples(for category: ShopCategory, queryVector: [Float], queryText: String, k: Int) async throws
        -> [ExampleSummary]
    {
        var configuration = self.configuration
        configuration.k = k
        return try ExampleSelector(source: source, configuration: configuration)
            .select(category: category, vector: queryVector, text: queryText).examples
    }
}
