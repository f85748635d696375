import Foundation
import Pipeline
import Providers
import Testing

/// The offline generator end to end through the prompt builder, on the shared real data.
@Suite("Quality: offline summaries on real data")
struct QualityOfflineSummaryTests {
    // Skipped visibly when ../shared/data is absent (users' clones); CI has it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: QualityFixtures.shops30Path), "needs ../shared/data/naver-place-seoul/shops_30.jsonl"))
    func shops30Dump() async throws {
        let shops = try QualityFixtures.naverShops(path: QualityFixtures.shops30Path)
        let examples = try QualityFixtures.sampleExamples()
        let builder = try PromptBuilder(configuration: .init(directory: QualityFixtures.promptsDirectory))
        let generator = OfflineGenerator()
        for shop in shops {
            let category = QualityFixtures.guessCategory(shop)
            let request = builder.build(shop: shop, category: category, examples: examples.filter { $0.category == category }.prefix(3).map { $0 })
            let result = try await generator.generate(request)
            print("[\(category.rawValue)] \(result.output.summary.count) \(result.output.summary)")
        }
    }
}
