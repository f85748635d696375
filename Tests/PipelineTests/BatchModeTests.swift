import Foundation
import Testing
@testable import Pipeline
import Providers

/// Batch-mode plumbing: precomputed results first, online fallback after.
@Suite("Batch mode")
struct BatchModeTests {
    struct Online: Generator {
        var descriptor: GeneratorDescriptor { .init(provider: "gemini", model: "m") }
        func generate(_ request: GenerationRequest) async throws -> GenerationResult {
            GenerationResult(output: .init(summary: "online \(request.key)"), rawText: "", usage: .init(promptTokens: 1),
                             finishReason: "STOP", model: "m")
        }
    }

    static func request(_ key: String) -> GenerationRequest {
        GenerationRequest(key: key, systemInstruction: "", prompt: "p",
                          context: SummaryContext(shopName: key, category: "waiting_hotplace", facts: [], reviews: [],
                                                  exampleSummaries: [], language: "ko", targetLength: 80))
    }

    @Test func firstCallIsServedFromBatchThenOnline() async throws {
        let batch = GenerationResult(output: .init(summary: "batch a"), rawText: "", usage: .init(promptTokens: 5),
                                     finishReason: "STOP", model: "m")
        let generator = PrecomputedGenerator(results: [
            "a": .success(batch),
            "b": .failure(ProviderError(code: .blocked, message: "blocked")),
            "c": .failure(ProviderError(code: .batchFailed, message: "missing")),
        ], fallback: Online())
        #expect(try await generator.generate(Self.request("a")).output.summary == "batch a")
        #expect(try await generator.generate(Self.request("a")).output.summary == "online a")   // repair retry
        await #expect(throws: ProviderError.self) { try await generator.generate(Self.request("b")) }
        #expect(try await generator.generate(Self.request("c")).output.summary == "online c")   // job lost the key
        #expect(try await generator.generate(Self.request("d")).output.summary == "online d")
    }

    @Test func jobNameIsRecordedBesideTheLedger() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try RunLayout(outputDirectory: dir, runID: "r1")
        try layout.createDirectories()
        #expect(BatchMode.loadJob(layout: layout, category: .waitingHotplace, shard: .all) == nil)
        try BatchMode.saveJob("batches/abc", layout: layout, category: .waitingHotplace, shard: .all)
        #expect(BatchMode.loadJob(layout: layout, category: .waitingHotplace, shard: .all) == "batches/abc")
        #expect(BatchMode.jobFile(layout: layout, category: .waitingHotplace, shard: .all).lastPathComponent
                == "waiting_hotplace.jsonl.batch-job")
    }
}
