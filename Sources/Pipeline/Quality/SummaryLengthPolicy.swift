/// Summary length rules per category, in characters (Swift `Character`s, spaces included).
public struct SummaryLengthPolicy: Sendable, Hashable {
    /// Allowed range per category.
    public var bounds: [ShopCategory: ClosedRange<Int>]
    /// Target when no examples were retrieved.
    public var defaultTarget: [ShopCategory: Int]

    /// Defaults: fine dining 80-280 (target 160); casual and waiting hot-places 60-260 (target 140).
    public init(bounds: [ShopCategory: ClosedRange<Int>] = [.fineDining: 80...280, .casualDining: 60...260, .waitingHotplace: 60...260],
                defaultTarget: [ShopCategory: Int] = [.fineDining: 160, .casualDining: 140, .waitingHotplace: 140]) {
        self.bounds = bounds
        self.defaultTarget = defaultTarget
    }

    /// The allowed range for `category`.
    public func range(for category: ShopCategory) -> ClosedRange<Int> { bounds[category] ?? 60...260 }

    /// The default target for `category`.
    public func target(for category: ShopCategory) -> Int { defaultTarget[category] ?? 140 }
}
