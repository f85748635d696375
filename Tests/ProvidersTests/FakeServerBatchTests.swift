import Foundation
import Testing
@testable import Providers

@Suite("Gemini Batch API against the fake server", .enabled(if: FakeLLMServer.available))
struct FakeServerBatchTests {
    let server = FakeLLMServer()
    // Polls fast; the generous timeout only matters when the parallel suite starves this test of a
    // thread (CPU-bound store tests share the 2-core cooperative pool), which made 10 s flaky.
    let fast = GeminiBatchClient.PollPolicy(initial: 0.01, factor: 1.5, maximum: 0.05, timeout: 120)

    func generator(model: String, inlineLimit: Int) -> GeminiBatchGenerator {
        GeminiBatchGenerator(generator: GeminiGenerator(client: server.gemini(server.http()), options: .init(model: model)),
                             inlineLimitBytes: inlineLimit)
    }

    func requests(_ n: Int) -> [GenerationRequest] {
        (0..<n).map { Fixtures.request(key: "shop-\($0)") }
    }

    @Test(arguments: [("inline", 10_000_000), ("file", 0)])
    func submitPollAndMatchResultsByKey(mode: String, inlineLimit: Int) async throws {
        let model = FakeLLMServer.uniqueModel("batch-\(mode)")
        let batch = generator(model: model, inlineLimit: inlineLimit)
        let reqs = requests(5)
        let job = try await batch.submit(reqs, displayName: "test-\(mode)-\(model)")
        #expect(job.hasPrefix("batches/"))
        let results = try await batch.collect(jobName: job, requests: reqs, poll: fast)
        #expect(Set(results.keys) == Set(reqs.map(\.key)))
        var total = 0
        for (_, result) in results {
            let r = try result.get()
            #expect(r.output.summary.contains("한옥집"))
            total += r.usage.totalTokens
        }
        let stats = try await server.stats(model: model)
        #expect(stats["total_tokens"] as? Int == total)
        #expect((stats["per_key"] as? [String: Int])?.count == 5)
        let log = try await server.admin("GET", "_log")["log"] as? [[String: Any]] ?? []
        let uploaded = log.contains { $0["kind"] as? String == "upload" && $0["model"] as? String == "test-\(mode)-\(model)" }
        #expect(uploaded == (mode == "file"))
    }

    @Test func restartResumesPollingWithoutResubmitting() async throws {
        let model = FakeLLMServer.uniqueModel("batch-resume")
        try await server.setFaults(model: model, #"{"batch_polls": 3}"#)
        let reqs = requests(3)
        let job = try await generator(model: model, inlineLimit: 10_000_000).submit(reqs, displayName: "resume")
        // A new process: only the job name (from the ledger) survives.
        let fresh = generator(model: model, inlineLimit: 10_000_000)
        let status = try await fresh.batch.status(jobName: job)
        #expect(!status.done)
        let results = try await fresh.collect(jobName: job, requests: reqs, poll: fast)
        #expect(results.values.allSatisfy { (try? $0.get()) != nil })
        let log = try await server.admin("GET", "_log")["log"] as? [[String: Any]] ?? []
        #expect(log.filter { $0["kind"] as? String == "batch_create" && $0["model"] as? String == model }.count == 1)
    }

    @Test func runRecordsTheJobBeforeWaitingAndReusesIt() async throws {
        let model = FakeLLMServer.uniqueModel("batch-run")
        let reqs = requests(4)
        let ledger = LedgerBox()
        let first = try await generator(model: model, inlineLimit: 10_000_000)
            .run(reqs, displayName: "run", existingJob: nil, poll: fast) { await ledger.set($0) }
        #expect(await ledger.job == first.jobName)
        #expect(first.results.count == 4)
        // Restart: the ledger's job is polled again, nothing is submitted.
        let again = try await generator(model: model, inlineLimit: 10_000_000)
            .run(reqs, displayName: "run", existingJob: await ledger.job, poll: fast) { _ in Issue.record("must not submit") }
        #expect(again.jobName == first.jobName)
        let log = try await server.admin("GET", "_log")["log"] as? [[String: Any]] ?? []
        #expect(log.filter { $0["kind"] as? String == "batch_create" && $0["model"] as? String == model }.count == 1)
    }

    @Test func failedAndCancelledJobsAreClassified() async throws {
        let model = FakeLLMServer.uniqueModel("batch-fail")
        try await server.setFaults(model: model, #"{"batch_fail": true, "batch_polls": 1}"#)
        let batch = generator(model: model, inlineLimit: 10_000_000)
        let job = try await batch.submit(requests(2), displayName: "fail")
        let error = await #expect(throws: ProviderError.self) { try await batch.collect(jobName: job, requests: requests(2), poll: fast) }
        #expect(error?.code == .batchFailed)

        let model2 = FakeLLMServer.uniqueModel("batch-cancel")
        try await server.setFaults(model: model2, #"{"batch_polls": 100}"#)
        let b2 = generator(model: model2, inlineLimit: 10_000_000)
        let job2 = try await b2.submit(requests(2), displayName: "cancel")
        try await b2.batch.cancel(jobName: job2)
        let status = try await b2.batch.status(jobName: job2)
        #expect(status.state == "BATCH_STATE_CANCELLED" && status.done)
    }

    @Test func duplicateKeysAreRejectedBeforeSubmitting() async throws {
        let batch = generator(model: "dup", inlineLimit: 10)
        let error = await #expect(throws: ProviderError.self) {
            try await batch.submit([Fixtures.request(key: "a"), Fixtures.request(key: "a")], displayName: "dup")
        }
        #expect(error?.code == .configuration)
    }
}

actor LedgerBox {
    private(set) var job: String?
    func set(_ value: String) { job = value }
}
