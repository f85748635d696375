import Foundation
import Testing
@testable import Pipeline

@Suite("HTML report")
struct HTMLReportTests {
    static func page(reviews: [String] = ["맛있어요"]) -> ReviewPage {
        ReviewPage(
            runID: "2026-12-01", generatedAt: Date(timeIntervalSince1970: 1_764_550_800),
            generator: "offline/extractive-v1", embedder: "offline/hashed-ngram-v1@384",
            notes: ["no credentials: offline defaults ran"],
            categories: [.init(category: "waiting_hotplace", written: 2, failed: 1, skipped: 0,
                               promptTokens: 1200, outputTokens: 300, estimatedCostUSD: 0.0012)],
            skippedRows: ["shops.jsonl:7: field 'name': missing"],
            shops: [
                .init(shopID: "s1", name: "골목 칼국수", category: "waiting_hotplace", status: "ok",
                      summary: "줄 서서 먹는 칼국수집.", highlights: ["웨이팅 30분"],
                      examples: [.init(id: "ex-1", text: "예시 요약")], reviews: reviews, latencyMilliseconds: 320),
                .init(shopID: "s2", name: "<script>alert(1)</script>", category: "waiting_hotplace", status: "failed",
                      summary: "", failureReason: "guardrail: phone number", latencyMilliseconds: 900),
            ],
            sections: [.init(title: "Evaluation", rows: [["near-duplicate rate", "0.4 %"]])])
    }

    @Test func escapesUntrustedTextEverywhere() {
        let html = HTMLReportRenderer.render(Self.page(reviews: ["\"><img src=x onerror=alert(1)>"]))
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func hasTotalsChartsFailuresSectionsAndEveryShop() {
        let html = HTMLReportRenderer.render(Self.page())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<td>waiting_hotplace</td><td>2</td>"))
        #expect(html.contains("0.0012"))
        #expect(html.components(separatedBy: "<svg ").count == 3)  // two histograms
        #expect(html.contains("guardrail: phone number"))
        #expect(html.contains("shops.jsonl:7: field &#39;name&#39;: missing"))
        #expect(html.contains("near-duplicate rate"))
        #expect(html.contains("data-cat=\"waiting_hotplace\""))
        #expect(html.components(separatedBy: "<tr data-cat=").count == 3)
        #expect(html.contains("no credentials: offline defaults ran"))
    }

    @Test func isSelfContained() {
        let html = HTMLReportRenderer.render(Self.page())
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script src"))
    }

    @Test func histogramWithoutDataSaysSo() {
        #expect(SVGHistogram.render(title: "x", values: [], bins: 5).contains("no data"))
        let svg = SVGHistogram.render(title: "x", values: [1, 1, 1, 10], bins: 3)
        #expect(svg.components(separatedBy: "<rect").count == 4)
        #expect(svg.contains("<title>3</title>"))
    }
}
