import Foundation
import Observability

/// Runs orchestration steps with Airflow's semantics: each step gets `retries` more attempts after
/// a failure, `retryDelay` apart; steps of one stage run in parallel; a stage starts only when
/// every step of the previous stage succeeded (otherwise later steps are `upstream_failed`).
public struct StepRunner: Sendable {
    /// A named unit of work. The body returns a short note for the report (or nil).
    public struct Step: Sendable {
        public var name: String
        public var body: @Sendable () async throws -> String?
        public init(name: String, body: @escaping @Sendable () async throws -> String?) {
            self.name = name
            self.body = body
        }
    }

    /// Thrown by a step body to stop without retrying (e.g. SIGTERM: the next run resumes).
    public struct DoNotRetry: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        public init(_ reason: String) { self.reason = reason }
    }

    public var retries: Int
    public var retryDelay: Duration
    public var logger: Logger
    /// Injected sleep (tests).
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(retries: Int = 2, retryDelay: Duration = .seconds(300), logger: Logger = .disabled(),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.retries = max(0, retries)
        self.retryDelay = retryDelay
        self.logger = logger
        self.sleep = sleep
    }

    /// Runs the stages in order and returns every step's status (`ok`, `failed`, `upstream_failed`).
    public func run(stages: [[Step]]) async -> [RunReport.Step] {
        var results: [RunReport.Step] = []
        var blocked = false
        for stage in stages {
            if blocked {
                results += stage.map { RunReport.Step(name: $0.name, status: "upstream_failed", attempts: 0,
                                                      durationSeconds: 0) }
                continue
            }
            let stageResults = await withTaskGroup(of: (Int, RunReport.Step).self) { group in
                for (index, step) in stage.enumerated() {
                    group.addTask { (index, await self.attempt(step)) }
                }
                var collected: [(Int, RunReport.Step)] = []
                for await result in group { collected.append(result) }
                return collected.sorted { $0.0 < $1.0 }.map(\.1)
            }
            results += stageResults
            if stageResults.contains(where: { $0.status != "ok" }) { blocked = true }
        }
        return results
    }

    /// One step with retries.
    public func attempt(_ step: Step) async -> RunReport.Step {
        let clock = ContinuousClock()
        let start = clock.now
        var attempts = 0
        var lastError = ""
        while attempts <= retries {
            attempts += 1
            logger.info("step.started", ["step": .string(step.name), "attempt": .int(attempts)])
            do {
                let note = try await step.body()
                logger.info("step.succeeded", ["step": .string(step.name), "attempt": .int(attempts)])
                var result = RunReport.Step(name: step.name, status: "ok", attempts: attempts,
                                            durationSeconds: (clock.now - start).seconds)
                result.error = note
                return result
            } catch let stop as DoNotRetry {
                logger.warning("step.stopped", ["step": .string(step.name), "error.reason": .string(stop.reason)])
                return RunReport.Step(name: step.name, status: "interrupted", attempts: attempts,
                                      durationSeconds: (clock.now - start).seconds, error: stop.reason)
            } catch {
                lastError = String(describing: error)
                logger.error("step.failed", ["step": .string(step.name), "attempt": .int(attempts),
                                             "error.message": .string(lastError)])
                if attempts <= retries {
                    do { try await sleep(retryDelay) } catch { break }
                }
            }
        }
        return RunReport.Step(name: step.name, status: "failed", attempts: attempts,
                              durationSeconds: (clock.now - start).seconds, error: lastError)
    }

    /// Parses `5m`, `30s`, `1h`, `250ms` or plain seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return .milliseconds(Int64(value * factor * 1000))
        }
        guard let seconds = Double(text), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }
}
