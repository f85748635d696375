import Foundation
import Providers

/// The prompt step of the batch, as two functions so the runner does not depend on one builder.
/// ``standard`` is the project's `PromptBuilder` (Pipeline/Prompt, owned by the quality work).
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

    /// The project's prompt builder.
    public static var standard: PromptStage { .minimal }

    /// A plain prompt with the shop's facts, reviews and examples (used until the full
    /// `PromptBuilder` is merged, and by tests).
    public static let minimal = PromptStage(version: { "minimal-v1-\($0.rawValue)" }) { shop, category, examples in
        var facts: [SummaryContext.Fact] = []
        if let cuisine = shop.cuisine { facts.append(.init(label: "업종", value: cuisine)) }
        if let address = shop.address { facts.append(.init(label: "주소", value: address)) }
        if let rating = shop.rating { facts.append(.init(label: "평점", value: JSONValue.format(rating))) }
        if !shop.badges.isEmpty { facts.append(.init(label: "배지", value: shop.badges.joined(separator: ", "))) }
        let reviews = shop.reviews.map(\.text)
        let exampleTexts = examples.map(\.summary)
        let target = exampleTexts.isEmpty ? 160 : exampleTexts.map(\.count).reduce(0, +) / exampleTexts.count
        let hangul = shop.name.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
            || reviews.joined().unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
        let context = SummaryContext(shopName: shop.name, category: category.rawValue, facts: facts, reviews: reviews,
                                     exampleSummaries: exampleTexts, language: hangul ? "ko" : "en",
                                     targetLength: target)
        var prompt = "가게: \(shop.name)\n"
        for fact in facts { prompt += "\(fact.label): \(fact.value)\n" }
        prompt += "\n예시 요약:\n" + exampleTexts.map { "- \($0)" }.joined(separator: "\n")
        prompt += "\n\n리뷰:\n" + reviews.enumerated().map { "<review \($0.offset + 1)>\($0.element)</review>" }
            .joined(separator: "\n")
        return GenerationRequest(key: shop.id,
                                 systemInstruction: "리뷰에 있는 사실만으로 가게를 \(target)자 안팎으로 요약하세요.",
                                 prompt: prompt, context: context)
    }
}
