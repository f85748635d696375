import Foundation
import Pipeline
import Providers
import Testing

/// Evaluation metrics, near-duplicate detection and the offline path on real and sample data.
@Suite("Quality: evaluation")
struct QualityEvaluatorTests {
    static func info() -> SummaryEvaluator.RunInfo {
        .init(input: "test", mode: "in-process", generator: "offline/extractive-v1", embedder: "offline",
              promptVersions: [:], skippedRows: 0, durationSeconds: 0)
    }

    @Test func lshFindsTheSamePairsAsBruteForce() {
        var texts: [String] = []
        let phrases = ["국물이 진하고 고기가 큼직하다", "평일 오후에는 대기가 짧다", "포장 줄이 따로 있다", "셰프의 코스 설명이 친절하다",
                       "가성비가 좋은 동네 밥집이다", "주말 저녁에는 예약이 필수다", "테라스 자리가 아늑하다", "혼밥하기 좋은 바 좌석이 있다"]
        for i in 0..<60 {
            texts.append("가게\(i)는 " + phrases[i % 8] + ". " + phrases[(i * 3 + 1) % 8] + ". " + phrases[(i * 5 + 2) % 8] + ".")
        }
        texts.append(texts[3] + " 정말")        // a near-copy
        let detector = NearDuplicateDetector(threshold: 0.5)
        let exact = detector.pairsExhaustive(in: texts)
        let fast = detector.pairs(in: texts)
        #expect(!exact.isEmpty)
        #expect(Set(fast.map { [$0.first, $0.second] }) == Set(exact.map { [$0.first, $0.second] }))
        #expect(fast.contains { $0.first == 3 && $0.second == 60 })
    }

    @Test func evaluatorCountsEveryMetric() throws {
        let shop = QualityValidatorTests.koreanShop()
        let examples = QualityValidatorTests.examples
        let good = "스시 하나는 서울 강남구의 미쉐린 가이드 1스타 오마카세로, 디너 오마카세는 1인 15만원이다. 숙성 광어와 우니가 훌륭하다는 평이 많고, 카운터 8석이라 예약을 서둘러야 한다."
        var other = shop
        other.id = "t-other"
        let copy = "스시 하나는 서울 강남구의 오마카세다. 숙성 흰살생선과 참치 부위를 차례로 내는 정통 오마카세로, 셰프가 한 점씩 설명을 곁들여 흐름이 매끄럽다."
        var third = shop
        third.id = "t-third"
        let contact = "스시 하나는 서울 강남구의 오마카세로 1인 20만원이다. 예약은 010-1234-5678 또는 https://sushi.example.com 에서 받는다고 한다."
        var fourth = shop
        fourth.id = "t-fourth"
        let items = [
            EvaluatedSummary(shop: shop, category: .fineDining, output: SummaryOutput(summary: good), examples: examples, attempts: 1),
            EvaluatedSummary(shop: other, category: .fineDining, output: SummaryOutput(summary: copy),
                             examples: [QualitySelectorTests.example("c9", .casualDining, "다른 카테고리 예시 문장이다.")], usedFallback: true, attempts: 1),
            EvaluatedSummary(shop: third, category: .fineDining, output: SummaryOutput(summary: contact), examples: examples, attempts: 1),
            EvaluatedSummary(shop: fourth, category: .fineDining, output: nil, failureReason: "unsupported_number: 9만원",
                             examples: examples, attempts: 2, firstViolations: [SummaryViolation(kind: .unsupportedNumber, detail: "9만원")]),
        ]
        let report = SummaryEvaluator().evaluate(items, allExamples: examples, info: Self.info())
        #expect(report.coverage.shops == 4 && report.coverage.summaries == 3 && report.coverage.failures == 1)
        #expect(report.violations.unsupportedNumberSummaries == 1)
        #expect(report.violations.contactSummaries == 1)
        #expect(report.violations.byKind["phone_number"] == 1 && report.violations.byKind["url"] == 1)
        #expect(report.violations.firstAttemptByKind["unsupported_number"] == 1)
        #expect(report.violations.retried == 1 && report.violations.failedAfterRetry == 1)
        #expect(report.examples.copyingSummaries == 1)
        #expect(report.examples.retrieved == 4 && report.examples.sameCategory == 3)
        #expect(report.examples.fallbackSelections == 1)
        #expect(report.acceptance.passed == false)
        #expect(report.length.min > 0 && report.length.max >= report.length.median)
        let json = try report.jsonText()
        #expect(json.contains("\"near_duplicates\""))
        let html = report.htmlSection()
        #expect(html.hasPrefix("<section id=\"quality\">") && !html.contains("<script"))
    }

    @Test func readsAnExistingRunDirectory() throws {
        let dir = try QualityFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = """
        {"shop_id":"a","name":"A","category":"waiting_hotplace","summary":"요약 A","example_ids":["ex-wh-01"],"provider":"offline","model":"extractive-v1","prompt_version":"v1"}
        {"shop_id":"b","category":"waiting_hotplace","status":"failed","failure_reason":"unsupported_number: 3만원"}

        """
        try rows.write(to: dir.appendingPathComponent("waiting_hotplace.jsonl"), atomically: true, encoding: .utf8)
        try "{}".write(to: dir.appendingPathComponent("report.json"), atomically: true, encoding: .utf8)
        let read = try EvalInputs.readRun(at: dir)
        #expect(read.count == 2)
        #expect(read[0].output?.summary == "요약 A" && read[0].exampleIDs == ["ex-wh-01"] && read[0].generator == "offline/extractive-v1")
        #expect(read[1].output == nil && read[1].failureReason == "unsupported_number: 3만원")
        try "not json\n".write(to: dir.appendingPathComponent("fine_dining_and_susi_omakase.jsonl"), atomically: true, encoding: .utf8)
        do {
            _ = try EvalInputs.readRun(at: dir)
            Issue.record("expected an error")
        } catch let error as PipelineError {
            #expect(error.message.contains("fine_dining_and_susi_omakase.jsonl:1"))
        }
    }

    /// The offline path (prompt → offline generator → guard) over a set of shops.
    static func offlineItems(_ shops: [Shop]) async throws -> [EvaluatedSummary] {
        let examples = try QualityFixtures.sampleExamples()
        let embedder = OfflineEmbedder()
        let source = InMemoryExampleSource(examples: examples, vectors: examples.map { embedder.vector(for: ExampleRecordCoding.embeddingText(for: $0)) })
        let rules = CategoryRules(rules: [
            .init(name: "omakase", category: .fineDining, conditions: [.cuisineContainsAny(["오마카세", "스시", "코스요리", "프랑스"])]),
            .init(name: "waiting", category: .waitingHotplace, conditions: [.attributeAtLeast("share_wait_30min_plus", 0.2)]),
        ], defaultCategory: .casualDining)
        let runner = EvalRunner(rules: rules, embedder: embedder, selector: ExampleSelector(source: source),
                                promptBuilder: try PromptBuilder(configuration: .init(directory: QualityFixtures.promptsDirectory)),
                                guarded: GuardedGeneration(generator: OfflineGenerator()))
        return try await runner.run(shops)
    }

    // Skipped visibly when ../shared/data is absent (users' clones); CI has it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: QualityFixtures.shops30Path), "needs ../shared/data/naver-place-seoul/shops_30.jsonl"))
    func offlineSummariesOfRealShopsPassEveryGuardrail() async throws {
        let shops = try QualityFixtures.naverShops(path: QualityFixtures.shops30Path)
        let items = try await Self.offlineItems(shops)
        let report = SummaryEvaluator().evaluate(items, allExamples: try QualityFixtures.sampleExamples(), info: Self.info())
        #expect(report.coverage.summaries == shops.count)
        #expect(report.violations.unsupportedNumberSummaries == 0, "\(report.violations.samples)")
        #expect(report.violations.contactSummaries == 0)
        #expect(report.violations.summariesWithAny == 0, "\(report.violations.samples)")
        #expect(report.nearDuplicates.rate < 0.02)
        #expect(report.examples.categoryAgreement >= 0.95)
        // Korean input → Korean summary that names the shop.
        for item in items {
            let summary = try #require(item.output?.summary)
            #expect(summary.contains(item.shop.name))
        }
    }

    @Test func offlineSummariesOfTheFictionalSamplesPassEveryGuardrail() async throws {
        let shops = try QualityFixtures.sampleShops()
        #expect(shops.count == 40 && shops.allSatisfy { $0.attributes["fictional"] == "true" })
        let items = try await Self.offlineItems(shops)
        let report = SummaryEvaluator().evaluate(items, allExamples: try QualityFixtures.sampleExamples(), info: Self.info())
        #expect(report.coverage.summaries == 40)
        #expect(report.violations.summariesWithAny == 0, "\(report.violations.samples)")
        #expect(report.nearDuplicates.pairs == 0)
        #expect(Set(items.map(\.category)).count == 3)
    }
}
