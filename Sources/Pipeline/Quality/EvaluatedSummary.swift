import Providers

/// One shop's result as the evaluator sees it (from an in-process run or a run directory).
public struct EvaluatedSummary: Sendable {
    /// The input shop.
    public var shop: Shop
    /// Its batch category.
    public var category: ShopCategory
    /// The accepted output, `nil` for a failure row.
    public var output: SummaryOutput?
    /// Why it failed, for failure rows.
    public var failureReason: String?
    /// The few-shot examples retrieved for it.
    public var examples: [ExampleSummary]
    /// Whether the examples came from other categories (fallback).
    public var usedFallback: Bool
    /// Generation attempts (0 when unknown).
    public var attempts: Int
    /// Violations of the first attempt (in-process mode).
    public var firstViolations: [SummaryViolation]

    /// Creates a record.
    public init(shop: Shop, category: ShopCategory, output: SummaryOutput?, failureReason: String? = nil,
                examples: [ExampleSummary] = [], usedFallback: Bool = false, attempts: Int = 0,
                firstViolations: [SummaryViolation] = []) {
        self.shop = shop
        self.category = category
        self.output = output
        self.failureReason = failureReason
        self.examples = examples
        self.usedFallback = usedFallback
        self.attempts = attempts
        self.firstViolations = firstViolations
    }
}
