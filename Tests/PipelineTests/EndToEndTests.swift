import Foundation
import Backup
import ObjectStore
import Providers
import Testing
import VectorStore
@testable import Pipeline

/// The whole pipeline as `run` wires it, on the real 30-shop crawler sample.
@Suite("End to end on shops_30")
struct EndToEndTests {
    // Needs ../shared/data/naver-place-seoul/shops_30.jsonl (CI has it); skipped when absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared30.path)))
    func thirtyRealShopsInitGenerateMergeBackup() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let embedder = OfflineEmbedder()
        let lifecycle = StoreLifecycle(dataDirectory: dir.appendingPathComponent("db"),
                                       backupURL: "file://\(dir.path)/backups",
                                       engine: BackupEngine(store: LocalObjectStore(rootURL: dir.appendingPathComponent("backups")),
                                                            adapter: VectorStoreAdapter()),
                                       examplesFile: repoRoot.appendingPathComponent("samples/examples.jsonl"),
                                       embedder: embedder)
        let note = try await lifecycle.initialize()
        #expect(note.contains("imported 30 examples"))
        let input = try PreparedInput.load(input: shared30, mapping: InputMapping.load(from: naverMapping),
                                           rules: CategoryRules.load(from: shippedRules))
        #expect(input.input.shops.count == 30)
        #expect(input.input.duplicateReviewsCollapsed > 0)
        let layout = try RunLayout(outputDirectory: dir.appendingPathComponent("out"), runID: "e2e")
        let database = try VectorDatabase(directory: dir.appendingPathComponent("db"))
        let retriever = try ExampleLibrary(database: database, embedder: embedder).retriever()
        let prompts = PromptStage(builder: try PromptBuilder())
        for category in ShopCategory.allCases {
            let report = try await BatchRunner(embedder: embedder, generator: OfflineGenerator(), retriever: retriever,
                                               prompts: prompts)
                .run(shops: input.shops(in: category), decisions: input.decisions, category: category, layout: layout)
            #expect(report.selected == 10)
            #expect(report.ok + report.failed == 10)
            #expect(report.embedder == "offline/hashed-ngram-v1@384")
        }
        let merged = try ShardMerger.merge(layout: layout, input: input)
        #expect(merged.allSatisfy { $0.complete })
        #expect(merged.map(\.rows) == [10, 10, 10])
        let report = try ShardMerger.writeRunReport(layout: layout, input: input)
        #expect(report.totals["ok", default: 0] + report.totals["failed", default: 0] == 30)
        #expect(report.input?.categories == ["fine_dining_and_susi_omakase": 10, "low_to_mid_price_dining": 10,
                                             "waiting_hotplace": 10])
        let rows = try Fixtures.rows(layout.output(.fineDining))
        let okRow = try #require(rows.first { $0.status == .ok })
        #expect(okRow.exampleIDs.allSatisfy { $0.hasPrefix("ex-fd") })
        #expect(okRow.prompt?.contains(okRow.name) == true)
        let location = try await lifecycle.backup()
        #expect(location.hasPrefix("file://\(dir.path)/backups/"))
        // A second init keeps the verified store.
        #expect(try await lifecycle.initialize().hasPrefix("store present"))
    }
}
