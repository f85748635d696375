import Foundation
import Synchronization
import Testing
@testable import Pipeline

@Suite("Local orchestration: steps, retries, notification")
struct OrchestrationTests {
    struct Boom: Error {}

    @Test func retriesThenFailsAndBlocksLaterStages() async {
        let attempts = Mutex<[String: Int]>([:])
        let sleeps = Mutex<[Duration]>([])
        func step(_ name: String, failTimes: Int) -> StepRunner.Step {
            StepRunner.Step(name: name) {
                let n = attempts.withLock { $0[name, default: 0] += 1; return $0[name, default: 0] }
                if n <= failTimes { throw Boom() }
                return "done after \(n)"
            }
        }
        let runner = StepRunner(retries: 2, retryDelay: .seconds(300), sleep: { d in sleeps.withLock { $0.append(d) } })
        let results = await runner.run(stages: [
            [step("init", failTimes: 1)],
            [step("a", failTimes: 0), step("b", failTimes: 5)],
            [step("backup", failTimes: 0)],
        ])
        #expect(results.map(\.name) == ["init", "a", "b", "backup"])
        #expect(results.map(\.status) == ["ok", "ok", "failed", "upstream_failed"])
        #expect(results.map(\.attempts) == [2, 1, 3, 0])
        #expect(results[0].error == "done after 2")
        #expect(attempts.withLock { $0["backup"] } == nil)
        #expect(sleeps.withLock { $0 } == [.seconds(300), .seconds(300), .seconds(300)])
    }

    @Test func doNotRetryStopsAtOnce() async {
        let count = Mutex(0)
        let runner = StepRunner(retries: 3, retryDelay: .zero, sleep: { _ in })
        let result = await runner.attempt(StepRunner.Step(name: "gen") {
            count.withLock { $0 += 1 }
            throw StepRunner.DoNotRetry("interrupted by signal")
        })
        #expect(result.status == "interrupted")
        #expect(count.withLock { $0 } == 1)
    }

    @Test(arguments: [("5m", 300_000), ("30s", 30_000), ("0", 0), ("250ms", 250), ("1.5h", 5_400_000)])
    func parsesDurations(text: String, milliseconds: Int64) {
        #expect(StepRunner.parseDuration(text) == .milliseconds(milliseconds))
    }

    @Test func rejectsBadDurations() {
        for bad in ["", "m", "-5s", "five", "5x"] { #expect(StepRunner.parseDuration(bad) == nil) }
    }

    @Test func notificationIsSlackCompatibleJSON() throws {
        let body = FailureNotifier.payload(runID: "2026-12-01", steps: [
            RunReport.Step(name: "init", status: "ok", attempts: 1, durationSeconds: 1),
            RunReport.Step(name: "backup", status: "failed", attempts: 3, durationSeconds: 2, error: "disk full"),
        ], report: "/out/2026-12-01/report.json")
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(Array(object.keys) == ["text"])
        let text = try #require(object["text"])
        #expect(text.contains("2026-12-01"))
        #expect(text.contains("backup: failed (disk full)"))
        #expect(!text.contains("init"))
    }
}
