import Foundation
import Testing
@testable import Providers

/// A generator standing in for the quality helper's OfflineGenerator.
struct EchoGenerator: Generator {
    var descriptor: GeneratorDescriptor { .init(provider: "offline", model: "extractive-v1") }
    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        GenerationResult(output: .init(summary: request.context.shopName), rawText: "", usage: .init(), finishReason: "offline",
                         model: "extractive-v1")
    }
}

/// Counts how many texts reach the wrapped embedder.
final class CountingEmbedder: Embedder, @unchecked Sendable {
    // @unchecked: the counter is guarded by the lock.
    private let lock = NSLock()
    private var embedded = 0
    let inner = OfflineEmbedder(dimension: 16)
    var descriptor: EmbedderDescriptor { EmbedderDescriptor(provider: "counting", model: "m", dimension: 16) }
    var count: Int { lock.withLock { embedded } }
    func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]] {
        lock.withLock { embedded += texts.count }
        return try await inner.embed(texts, task: task)
    }
}

@Suite("Configuration, factory, cache and prices")
struct ConfigurationTests {
    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prov-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func noCredentialsSelectsOfflineAndSaysSo() throws {
        let s = try ProviderFactory.make(configuration: .init(), environment: [:], offlineGenerator: EchoGenerator())
        #expect(s.generatorIsOffline)
        #expect(s.embedder.descriptor.description == "offline/hashed-ngram-v1@384")
        #expect(s.selectionNote.contains("no LLM credentials found"))
        #expect(s.batchGenerator == nil)
    }

    @Test func geminiKeyInEnvironmentSelectsGeminiWithoutLeakingTheKey() throws {
        let secret = "AIza-secret-\(UUID().uuidString)"
        let s = try ProviderFactory.make(configuration: .init(), environment: ["GEMINI_API_KEY": secret],
                                         offlineGenerator: EchoGenerator())
        #expect(s.generator.descriptor == GeneratorDescriptor(provider: "gemini", model: "gemini-2.5-flash"))
        #expect(s.batchGenerator != nil)
        #expect(!s.selectionNote.contains(secret))
        #expect(s.selectionNote.contains("GEMINI_API_KEY"))
    }

    @Test func explicitProviderWithoutCredentialsIsAClearError() {
        for (llm, needle) in [("gemini", "GEMINI_API_KEY"), ("vertex", "GOOGLE_APPLICATION_CREDENTIALS"), ("openai", "OPENAI_API_KEY"),
                              ("bard", "unknown --llm")] {
            var c = ProviderConfiguration()
            c.llm = llm
            let error = #expect(throws: ProviderError.self) {
                try ProviderFactory.make(configuration: c, environment: [:], offlineGenerator: EchoGenerator())
            }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains(needle) == true)
        }
    }

    @Test func flagsOverrideEnvironmentOverrideFile() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("providers.json")
        try Data(#"{"llm": "vertex", "location": "us-central1", "model": "gemini-2.5-pro", "requestsPerMinute": 100}"#.utf8).write(to: file)
        var flags = ProviderConfiguration()
        flags.model = "gemini-2.5-flash-lite"
        let c = try ProviderConfiguration.resolve(flags: flags, environment: ["SHOP_SUMMARY_LLM_RPM": "600", "GOOGLE_CLOUD_LOCATION": "global",
                                                                              "SHOP_SUMMARY_PROVIDER_CONFIG": file.path])
        #expect(c.llm == "vertex")
        #expect(c.location == "global")
        #expect(c.requestsPerMinute == 600)
        #expect(c.model == "gemini-2.5-flash-lite")
        let bad = #expect(throws: ProviderError.self) {
            try ProviderConfiguration.resolve(environment: ["SHOP_SUMMARY_LLM_RPM": "fast"])
        }
        #expect(bad?.message.contains("SHOP_SUMMARY_LLM_RPM") == true)
        try Data(#"{"requestsPerMinute": "many"}"#.utf8).write(to: file)
        let wrong = #expect(throws: ProviderError.self) { try ProviderConfiguration.load(from: file) }
        #expect(wrong?.message.contains("requestsPerMinute") == true)
    }

    @Test func embeddingCachePersistsAcrossInstancesAndEmbedsOnlyMisses() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let counting = CountingEmbedder()
        let first = try CachingEmbedder(base: counting, directory: dir)
        let a = try await first.embed(["김치찜", "국밥", "김치찜"], task: .retrievalDocument)
        #expect(counting.count == 2)
        #expect(a[0] == a[2])
        await first.cache.close()
        let second = try CachingEmbedder(base: counting, directory: dir)
        let b = try await second.embed(["국밥", "김치찜", "초밥"], task: .retrievalDocument)
        #expect(counting.count == 3)           // only 초밥 was new
        #expect(b[1] == a[0])
        _ = try await second.embed(["국밥"], task: .retrievalQuery)   // task is part of the key
        #expect(counting.count == 4)
    }

    @Test func embeddingCacheToleratesATornTail() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let counting = CountingEmbedder()
        let cache = try CachingEmbedder(base: counting, directory: dir)
        _ = try await cache.embed(["하나", "둘"], task: .retrievalDocument)
        await cache.cache.close()
        let folder = try #require(FileManager.default.enumerator(atPath: dir.path)?.allObjects.compactMap { $0 as? String }
            .first { $0.hasSuffix(".ecache") })
        let path = dir.appendingPathComponent(folder).path
        let data = try #require(FileManager.default.contents(atPath: path))
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: path))   // crash mid-append
        let reopened = try EmbeddingCache(directory: dir, descriptor: counting.descriptor)
        #expect(await reopened.count == 1)
        #expect(await reopened.damagedRecords == 1)
    }

    @Test func priceTableLoadsAndBatchIsHalfPrice() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let table = try PriceTable.load(from: root.appendingPathComponent("config/prices.json"))
        #expect(table == PriceTable(currency: table.currency, batchDiscount: 0.5, note: table.note, models: PriceTable.builtIn.models))
        let estimator = CostEstimator(prices: table)
        let usage = TokenUsage(promptTokens: 1_000_000, outputTokens: 100_000, thoughtsTokens: 100_000)
        let online = try #require(estimator.cost(of: usage, model: "gemini-2.5-flash-001"))
        #expect(abs(online - (0.30 + 0.2 * 2.50)) < 1e-9)
        let both = try #require(estimator.comparison(of: usage, model: "gemini-2.5-flash"))
        #expect(abs(both.batch - online / 2) < 1e-9)
        #expect(estimator.cost(of: usage, model: "extractive-v1") == nil)
    }

    @Test func badPriceTableNamesTheFileAndField() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("prices.json")
        try Data(#"{"currency":"USD","batchDiscount":0.5,"models":{"m":{"inputPerMillion":1}}}"#.utf8).write(to: file)
        let error = #expect(throws: ProviderError.self) { try PriceTable.load(from: file) }
        #expect(error?.message.contains("outputPerMillion") == true)
        #expect(error?.message.contains(file.path) == true)
    }
}
