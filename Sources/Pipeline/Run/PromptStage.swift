import Foundation
import Providers

/// The prompt step of the batch as two functions, so tests can vary the prompt version without
/// prompt files. ``init(builder:)`` adapts the project's ``PromptBuilder``.
public struct PromptStage: Sendable {
    /// Version string of a category's prompt; part of the resume key.
    public var version: @Sendable (ShopCategory) -> String
    /// Builds the generation request for a shop and its retrieved examples.
    public var build: @Sendable (Shop, ShopCategory, [ExampleSummary]) -> GenerationRequest

    /// Creates a stage from two functions.
    public init(version: @escaping @Sendable (ShopCategory) -> String,
                build: @escaping @Sendable (Shop, ShopCategory, [ExampleSummary]) -> GenerationRequest) {
        self.version = version
        self.build = build
    }

    /// Adapts a ``PromptBuilder``.
    public init(builder: PromptBuilder) {
        self.init(version: { builder.promptVersion(for: $0) },
                  build: { builder.build(shop: $0, category: $1, examples: $2) })
    }
}
