/// How distances between vectors are measured. Smaller is closer for every metric.
public enum DistanceMetric: String, Sendable, Codable, CaseIterable {
    /// `1 − cos(a, b)`; zero vectors are at distance 1 from everything.
    case cosine
    /// Squared Euclidean distance.
    case l2
    /// `1 − a·b` (inner product).
    case ip
}
