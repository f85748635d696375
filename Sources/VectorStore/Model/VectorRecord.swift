/// One stored row: an id, its vector, an optional document and metadata.
public struct VectorRecord: Sendable, Hashable {
    /// Unique id within the collection.
    public var id: String
    /// The embedding; its length must equal the collection's dimension. Empty when a read did
    /// not ask for vectors.
    public var vector: [Float]
    /// The text the vector was computed from, if stored.
    public var document: String?
    /// Filterable key/value pairs.
    public var metadata: Metadata

    /// Creates a record.
    public init(id: String, vector: [Float], document: String? = nil, metadata: Metadata = [:]) {
        self.id = id
        self.vector = vector
        self.document = document
        self.metadata = metadata
    }
}

/// One result of a similarity query.
public struct QueryHit: Sendable, Hashable {
    /// Id of the matching record.
    public var id: String
    /// Distance under the collection's metric (smaller is closer).
    public var distance: Float
    /// The record's document, if stored.
    public var document: String?
    /// The record's metadata.
    public var metadata: Metadata
    /// The stored vector, from the same snapshot as the distance; empty unless asked for
    /// (`includeVectors`).
    public var vector: [Float]

    /// Creates a hit.
    public init(id: String, distance: Float, document: String?, metadata: Metadata, vector: [Float] = []) {
        self.id = id
        self.distance = distance
        self.document = document
        self.metadata = metadata
        self.vector = vector
    }
}
