import Foundation
import Providers
import Synchronization
import Testing
@testable import Pipeline

@Suite("Batch runner: outputs, ledger resume, failures, stop")
struct BatchRunnerTests {
    func runner(_ embedder: CountingEmbedder, _ generator: CountingGenerator, version: String? = nil,
                concurrency: Int = 4, grace: Double = 20,
                stop: @escaping @Sendable () -> Bool = { false }) async throws -> BatchRunner {
        var configuration = BatchRunner.Configuration()
        configuration.concurrency = concurrency
        configuration.graceSeconds = grace
        configuration.pollInterval = .milliseconds(20)
        return BatchRunner(embedder: embedder, generator: generator, retriever: try await Fixtures.retriever(OfflineEmbedder(dimension: 64)),
                           prompts: try Fixtures.prompts(version: version), configuration: configuration,
                           shouldStop: stop)
    }

    @Test func writesOneRowPerShopAndResumesWithoutProviderCalls() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "2026-12-01")
        let shops = Fixtures.shops(12)
        let embedder = CountingEmbedder()
        let generator = CountingGenerator()
        let first = try await runner(embedder, generator)
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(first.processed == 12)
        #expect(first.ok + first.failed == 12)
        #expect(first.ok > 0)
        let rows = try Fixtures.rows(layout.output(.casualDining))
        #expect(rows.map(\.shopID) == shops.map(\.id))
        let row = try #require(rows.first { $0.status == .ok })
        #expect(row.summary?.isEmpty == false)
        #expect(row.exampleIDs.count == 2)  // only two casual examples exist
        #expect(row.provider == "offline")
        #expect(row.prompt?.contains(shops[0].name) == true || rows[0].shopID != shops[0].id)
        #expect(FileManager.default.fileExists(atPath: layout.categoryReport(.casualDining).path))
        let callsAfterFirst = embedder.count

        let embedder2 = CountingEmbedder()
        let generator2 = CountingGenerator()
        let second = try await runner(embedder2, generator2)
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        let failedFirst = first.failed
        #expect(second.resumed == first.ok)
        #expect(embedder2.count == failedFirst)   // only failures are retried
        #expect(generator2.shopsCalled.count == failedFirst)
        #expect(callsAfterFirst == 12)
        let again = try Fixtures.rows(layout.output(.casualDining))
        #expect(again.map(\.shopID) == shops.map(\.id))
    }

    @Test func changedShopOrPromptVersionIsRedone() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "r1")
        var shops = Fixtures.shops(6)
        _ = try await runner(CountingEmbedder(), CountingGenerator(), version: "v1")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        shops[2].reviews[0].text = "완전히 새로운 리뷰 내용입니다. 메뉴가 바뀌었어요."
        let generator = CountingGenerator()
        let report = try await runner(CountingEmbedder(), generator, version: "v1")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(generator.shopsCalled == ["shop-2"])
        #expect(report.resumed == 5)
        let generator2 = CountingGenerator()
        let report2 = try await runner(CountingEmbedder(), generator2, version: "v2")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(generator2.shopsCalled.count == 6)
        #expect(report2.resumed == 0)
        let rows = try Fixtures.rows(layout.output(.casualDining))
        #expect(rows.count == 6)
        #expect(Set(rows.map(\.promptVersion)) == ["v2"])
    }

    @Test func failuresBecomeRowsWithReasonsAndAreRetried() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "r1")
        let shops = Fixtures.shops(5)
        let report = try await runner(CountingEmbedder(), CountingGenerator(failing: ["shop-3"]), version: "v")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        let failed = try #require(report.failures.first { $0.shopID == "shop-3" })
        #expect(failed.reason.contains("generation failed"))
        #expect(failed.reason.contains("fake provider refused shop shop-3"))
        let rows = try Fixtures.rows(layout.output(.casualDining))
        #expect(rows.count == 5)
        #expect(rows.first { $0.shopID == "shop-3" }?.status == .failed)
        let generator = CountingGenerator()
        _ = try await runner(CountingEmbedder(), generator, version: "v")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(generator.shopsCalled.contains("shop-3"))
        #expect(try Fixtures.rows(layout.output(.casualDining)).first { $0.shopID == "shop-3" }?.status != .failed
            || generator.shopsCalled == ["shop-3"])
    }

    @Test func tornLedgerLineIsDroppedAndTheShopRedone() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "r1")
        let shops = Fixtures.shops(4)
        _ = try await runner(CountingEmbedder(), CountingGenerator(), version: "v")
            .run(shops: Array(shops.prefix(3)), decisions: Fixtures.decisions(shops), category: .casualDining,
                 layout: layout)
        // Simulate a kill in the middle of writing shop-3's line.
        let ledgerURL = layout.ledger(.casualDining)
        let handle = try FileHandle(forWritingTo: ledgerURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"v\":1,\"shop_id\":\"shop-3\",\"inp".utf8))
        try handle.close()
        let generator = CountingGenerator()
        let report = try await runner(CountingEmbedder(), generator, version: "v")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(report.ledgerTornBytesDropped > 0)
        #expect(report.ledgerUnreadableLines == 0)
        #expect(generator.shopsCalled == ["shop-3"])
        let rows = try Fixtures.rows(layout.output(.casualDining))
        #expect(rows.map(\.shopID) == shops.map(\.id))
        let ledger = try RunLedger(url: ledgerURL)
        #expect(ledger.tornBytesDropped == 0)
        #expect(ledger.linesRead == 4)
    }

    @Test func stopRequestStopsNewShopsAndTheRerunCompletesTheRest() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "r1")
        let shops = Fixtures.shops(40)
        let generator = CountingGenerator(delay: .milliseconds(20))
        let report = try await runner(CountingEmbedder(), generator, version: "v", concurrency: 2,
                                      stop: { generator.total >= 6 })
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(report.interrupted)
        #expect(report.notStarted > 0)
        #expect(report.processed + report.notStarted + report.abandoned == 40)
        let partial = try Fixtures.rows(layout.output(.casualDining))
        #expect(partial.count == report.processed)
        let generator2 = CountingGenerator()
        let rest = try await runner(CountingEmbedder(), generator2, version: "v")
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(!rest.interrupted)
        #expect(generator2.shopsCalled.isDisjoint(with: Set(partial.filter { $0.status == .ok }.map(\.shopID))))
        let rows = try Fixtures.rows(layout.output(.casualDining))
        #expect(rows.map(\.shopID) == shops.map(\.id))
    }

    @Test func inFlightShopsAreAbandonedAfterTheGracePeriod() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "r1")
        let shops = Fixtures.shops(6)
        // The fake calls would sleep 10 minutes unless cancelled. The bound below is far under that
        // but generous: in the full parallel `swift test`, CPU-bound suites can occupy both
        // cooperative-pool threads for tens of seconds and delay the runner's poll ticks.
        let generator = CountingGenerator(delay: .seconds(600))
        let clock = ContinuousClock()
        let start = clock.now
        let report = try await runner(CountingEmbedder(), generator, version: "v", concurrency: 3, grace: 0.3,
                                      stop: { generator.total >= 3 })
            .run(shops: shops, decisions: Fixtures.decisions(shops), category: .casualDining, layout: layout)
        #expect(clock.now - start < .seconds(300))
        #expect(report.interrupted)
        #expect(report.abandoned == 3)
        #expect(report.notStarted == 3)
        #expect(try Fixtures.rows(layout.output(.casualDining)).isEmpty)
    }
}
