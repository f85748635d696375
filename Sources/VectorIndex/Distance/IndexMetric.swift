/// How the index measures distance between two vectors (smaller is closer).
///
/// - ``cosine``: `1 − dot(a, b)`; vectors are L2-normalised on the way in (rows by the caller of
///   ``FlatIndex``, automatically by ``HNSWIndex``), so this equals `1 − cos`.
/// - ``innerProduct``: `1 − dot(a, b)` on raw vectors.
/// - ``l2``: squared Euclidean distance.
public enum IndexMetric: UInt8, Sendable, Hashable, CaseIterable {
    /// Cosine distance `1 − cos(a, b)`.
    case cosine = 1
    /// Inner-product distance `1 − a·b`.
    case innerProduct = 2
    /// Squared Euclidean distance.
    case l2 = 3

    /// Whether vectors must be L2-normalised before they are stored or compared.
    public var normalizes: Bool { self == .cosine }

    /// The distance between two vectors of `dimension` components.
    @inlinable
    public func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int) -> Float {
        switch self {
        case .cosine, .innerProduct: return 1 - DistanceKernels.dot(a, b, count: dimension)
        case .l2: return DistanceKernels.squaredL2(a, b, count: dimension)
        }
    }

    /// The distance between two arrays (convenience for tests and small inputs).
    public func distance(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "dimension mismatch")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
                return distance(x, y, dimension: a.count)
            }
        }
    }
}
