import Foundation
import Observability
import Providers

/// Produces ``EvaluatedSummary`` records in process: for each shop, category (explicit or
/// rules) → query embedding → example selection (MMR) → prompt → guarded generation. This is
/// the same per-shop path the batch pipeline takes, without ledger or output files.
public struct EvalRunner: Sendable {
    /// Category rules.
    public var rules: CategoryRules
    /// Query embedder (must match the examples' embeddings).
    public var embedder: any Embedder
    /// Example selection.
    public var selector: ExampleSelector
    /// Prompt building.
    public var promptBuilder: PromptBuilder
    /// Generate → validate → retry once.
    public var guarded: GuardedGeneration
    /// Shops processed at once.
    public var concurrency: Int

    /// Creates a runner.
    public init(rules: CategoryRules, embedder: any Embedder, selector: ExampleSelector, promptBuilder: PromptBuilder,
                guarded: GuardedGeneration, concurrency: Int = 4) {
        self.rules = rules
        self.embedder = embedder
        self.selector = selector
        self.promptBuilder = promptBuilder
        self.guarded = guarded
        self.concurrency = max(1, concurrency)
    }

    /// Runs every shop; generator errors become failure records (the run continues).
    public func run(_ shops: [Shop], logger: Logger = .disabled()) async throws -> [EvaluatedSummary] {
        var results = [EvaluatedSummary?](repeating: nil, count: shops.count)
        try await withThrowingTaskGroup(of: (Int, EvaluatedSummary).self) { group in
            var next = 0
            func launch() {
                let index = next
                let shop = shops[index]
                next += 1
                group.addTask { (index, try await self.evaluate(shop, logger: logger)) }
            }
            while next < min(concurrency, shops.count) { launch() }
            while let (index, item) = try await group.next() {
                results[index] = item
                if next < shops.count { launch() }
            }
        }
        return results.compactMap { $0 }
    }

    /// One shop.
    public func evaluate(_ shop: Shop, logger: Logger = .disabled()) async throws -> EvaluatedSummary {
        let category = rules.decide(shop).category
        let query = ExampleSelector.queryText(for: shop)
        let vector = try await embedder.embed([query], task: .retrievalQuery)[0]
        let selection = try selector.select(category: category, vector: vector, text: query)
        let request = promptBuilder.build(shop: shop, category: category, examples: selection.examples)
        do {
            let outcome = try await guarded.run(request, shop: shop, category: category, examples: selection.examples)
            return EvaluatedSummary(shop: shop, category: category, output: outcome.result?.output,
                                    failureReason: outcome.succeeded ? nil : outcome.failureReason,
                                    examples: selection.examples, usedFallback: selection.usedFallback,
                                    attempts: outcome.attempts, firstViolations: outcome.firstViolations)
        } catch {
            logger.warning("generation failed", ["shop.id": .string(shop.id), "error.short": .string("\(error)")])
            return EvaluatedSummary(shop: shop, category: category, output: nil, failureReason: "\(error)",
                                    examples: selection.examples, usedFallback: selection.usedFallback, attempts: 1)
        }
    }
}
