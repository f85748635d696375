import Foundation

extension EmbedderDescriptor {
    /// Attribute keys stored in a vector collection to record which embedder filled it.
    public enum AttributeKey {
        public static let provider = "embedder.provider"
        public static let model = "embedder.model"
        public static let dimension = "embedder.dimension"
    }

    /// The attributes to store with a collection (`VectorDatabase.createCollection(attributes:)`).
    public var collectionAttributes: [String: String] {
        [AttributeKey.provider: provider, AttributeKey.model: model, AttributeKey.dimension: String(dimension)]
    }

    /// Refuses to use this embedder with a collection filled by another one.
    /// - Parameters:
    ///   - attributes: The collection's attributes (collections without embedder attributes pass).
    ///   - collection: Collection name for the message.
    /// - Throws: ``ProviderError`` `.configuration`: "collection X was embedded with A; this run uses B …".
    public func checkCompatible(with attributes: [String: String], collection: String) throws {
        guard let provider = attributes[AttributeKey.provider], let model = attributes[AttributeKey.model],
              let dimension = attributes[AttributeKey.dimension].flatMap(Int.init) else { return }
        let stored = EmbedderDescriptor(provider: provider, model: model, dimension: dimension)
        guard stored == self else {
            throw ProviderError(code: .configuration, message: "collection \"\(collection)\" was embedded with \(stored); "
                                + "this run uses \(self). Vectors from different models are not comparable: re-run with "
                                + "--embedder \(provider) (and the same model/dimension) or re-import the examples")
        }
    }
}
