import Foundation
import Observability
import Providers
import Synchronization

/// `generate --batch`: one Gemini Batch API job per category (or shard).
///
/// 1. ``requests(...)`` builds the prompt of every shop the ledger does not have yet (the same
///    embed → retrieve → prompt steps as ``BatchRunner``, which are deterministic);
/// 2. the caller runs `GeminiBatchGenerator.run`, recording the job name with ``saveJob(_:layout:category:shard:)``
///    (`<ledger>.batch-job`) before polling, and passing ``loadJob(layout:category:shard:)`` as the
///    existing job so a restarted process resumes polling instead of submitting again;
/// 3. ``BatchRunner`` then runs with a ``PrecomputedGenerator``: each shop's first generation is
///    answered from the batch results (matched by key = shop id); validation, repair retries (online)
///    and ledger/output writing are unchanged.
public enum BatchMode {
    /// Requests for the shops not yet completed in the ledger.
    public static func requests(shops: [Shop], decisions: [String: CategoryRules.Decision], category: ShopCategory,
                                shard: ShardSpec, layout: RunLayout, embedder: any Embedder,
                                retriever: any ExampleRetriever, prompts: PromptStage, topK: Int) async throws
        -> [GenerationRequest]
    {
        try layout.createDirectories()
        let ledger = try RunLedger(url: layout.ledger(category, shard: shard))
        let version = prompts.version(category)
        var pending: [Shop] = []
        for shop in shops {
            let hash = PreparedInput.inputHash(shop, category: category)
            if ledger.completed(shopID: shop.id, inputHash: hash, promptVersion: version) == nil { pending.append(shop) }
        }
        try ledger.close()
        var requests: [GenerationRequest] = []
        requests.reserveCapacity(pending.count)
        for shop in pending {
            let query = ExampleText.query(shop)
            guard let vector = try await embedder.embed([query], task: .retrievalQuery).first else {
                throw PipelineError(code: .internalError, message: "embedder returned no vector")
            }
            let examples = try await retriever.examples(for: decisions[shop.id]?.category ?? category,
                                                        queryVector: vector, queryText: query, k: topK)
            var request = prompts.build(shop, category, examples)
            request.key = shop.id
            requests.append(request)
        }
        return requests
    }

    /// `<ledger>.batch-job`: holds the job name while a job is pending.
    public static func jobFile(layout: RunLayout, category: ShopCategory, shard: ShardSpec) -> URL {
        let ledger = layout.ledger(category, shard: shard)
        return ledger.deletingLastPathComponent().appendingPathComponent(ledger.lastPathComponent + ".batch-job")
    }

    /// The recorded job name, if any.
    public static func loadJob(layout: RunLayout, category: ShopCategory, shard: ShardSpec) -> String? {
        let url = jobFile(layout: layout, category: category, shard: shard)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return name.hasPrefix("batches/") ? name : nil
    }

    /// Records the job name durably (temp → fsync → rename → fsync dir).
    public static func saveJob(_ name: String, layout: RunLayout, category: ShopCategory, shard: ShardSpec) throws {
        try DurableFile.publish(Data((name + "\n").utf8), to: jobFile(layout: layout, category: category, shard: shard))
    }
}

/// A ``Generator`` that answers each key's first call from precomputed (batch) results and sends
/// everything else — repair retries, keys the job did not return — to `fallback` (online).
public final class PrecomputedGenerator: Generator {
    private let results: Mutex<[String: Result<GenerationResult, ProviderError>]>
    private let fallback: any Generator

    /// Creates the generator.
    public init(results: [String: Result<GenerationResult, ProviderError>], fallback: any Generator) {
        self.results = Mutex(results)
        self.fallback = fallback
    }

    public var descriptor: GeneratorDescriptor { fallback.descriptor }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let hit = results.withLock { $0.removeValue(forKey: request.key) }
        switch hit {
        case .success(let result)?:
            return result
        case .failure(let error)? where error.code != .batchFailed:
            throw error
        default:
            return try await fallback.generate(request)
        }
    }
}
