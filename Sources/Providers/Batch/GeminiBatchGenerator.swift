import Foundation

/// Batch-mode generation on top of ``GeminiBatchClient``: builds the same request bodies as
/// ``GeminiGenerator`` and classifies each keyed result the same way (blocked, empty, max tokens,
/// schema mismatch; no repair retry in batch mode — the caller may retry failed keys online).
public struct GeminiBatchGenerator: Sendable {
    /// The online generator whose body builder and classifier are reused.
    public let generator: GeminiGenerator
    /// The batch client.
    public let batch: GeminiBatchClient

    /// Creates a batch generator.
    public init(generator: GeminiGenerator, inlineLimitBytes: Int = 4_000_000) {
        self.generator = generator
        batch = GeminiBatchClient(client: generator.client, inlineLimitBytes: inlineLimitBytes)
    }

    /// Submits all requests as one job; returns the job name to record in the ledger.
    public func submit(_ requests: [GenerationRequest], displayName: String) async throws -> String {
        try await batch.submit(model: generator.options.model,
                               requests: requests.map { ($0.key, generator.body(for: $0)) }, displayName: displayName)
    }

    /// Waits for `jobName` (submitted now or by an earlier process) and returns results by key.
    /// Keys missing from the output map to a `.batchFailed` error.
    public func collect(jobName: String, requests: [GenerationRequest],
                        poll: GeminiBatchClient.PollPolicy = .init()) async throws -> [String: Result<GenerationResult, ProviderError>] {
        _ = try await batch.waitForCompletion(jobName: jobName, policy: poll)
        let raw = try await batch.results(jobName: jobName)
        var out: [String: Result<GenerationResult, ProviderError>] = [:]
        for request in requests {
            let context = "gemini batch \(jobName) key=\(request.key)"
            switch raw[request.key] {
            case .success(let response):
                do {
                    let (output, text, finish) = try GeminiGenerator.interpret(response, schema: request.responseJSONSchema,
                                                                               context: context)
                    out[request.key] = .success(GenerationResult(
                        output: output, rawText: text, usage: response.usageMetadata?.tokenUsage ?? TokenUsage(),
                        finishReason: finish, model: response.modelVersion ?? generator.options.model))
                } catch let error as ProviderError {
                    out[request.key] = .failure(error)
                }
            case .failure(let error):
                out[request.key] = .failure(error)
            case nil:
                out[request.key] = .failure(ProviderError(code: .batchFailed, message: "\(context): no result for this key"))
            }
        }
        return out
    }

    /// Runs a batch job that survives restarts: when `existingJob` (read from the caller's ledger)
    /// is nil, submits `requests` and hands the new job name to `record` *before* waiting, so a
    /// crash while polling resumes with the same job instead of paying for a second one.
    /// - Returns: The job name and the results by key.
    public func run(_ requests: [GenerationRequest], displayName: String, existingJob: String?,
                    poll: GeminiBatchClient.PollPolicy = .init(),
                    record: @Sendable (String) async throws -> Void)
        async throws -> (jobName: String, results: [String: Result<GenerationResult, ProviderError>])
    {
        let job: String
        if let existingJob {
            job = existingJob
        } else {
            job = try await submit(requests, displayName: displayName)
            try await record(job)
        }
        return (job, try await collect(jobName: job, requests: requests, poll: poll))
    }
}
