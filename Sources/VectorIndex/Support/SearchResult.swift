/// One search hit: an internal row id and its distance to the query (smaller is closer).
public struct SearchResult: Sendable, Hashable {
    /// Row id inside the index (insertion order for ``HNSWIndex``, row number for ``FlatIndex``).
    public var id: Int32
    /// Distance under the index's ``IndexMetric``.
    public var distance: Float

    /// Creates a hit.
    public init(id: Int32, distance: Float) {
        self.id = id
        self.distance = distance
    }
}
