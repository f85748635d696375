import Foundation
import MetricsPush
import Testing
@testable import Observability

@Suite("Metrics and progress")
struct MetricsAndProgressTests {
    @Test func prometheusExpositionHasTypesLabelsAndHistogramBuckets() {
        let registry = MetricsRegistry()
        registry.register("shops_processed_total", kind: .counter, help: "Shops written.")
        registry.register("llm_latency_seconds", kind: .histogram, help: "LLM call latency.", buckets: [0.1, 1])
        registry.increment("shops_processed_total", labels: ["category": "waiting_hotplace"], by: 3)
        registry.increment("shops_processed_total", labels: ["category": "waiting_hotplace"])
        registry.observe("llm_latency_seconds", labels: ["provider": "gemini"], 0.05)
        registry.observe("llm_latency_seconds", labels: ["provider": "gemini"], 0.5)
        registry.observe("llm_latency_seconds", labels: ["provider": "gemini"], 5)
        let text = registry.render()
        #expect(text.contains("# TYPE shops_processed_total counter\n"))
        #expect(text.contains("shops_processed_total{category=\"waiting_hotplace\"} 4\n"))
        #expect(text.contains("llm_latency_seconds_bucket{le=\"0.1\",provider=\"gemini\"} 1\n")
            || text.contains("llm_latency_seconds_bucket{provider=\"gemini\",le=\"0.1\"} 1\n"))
        #expect(text.contains("le=\"1\"} 2\n"))
        #expect(text.contains("le=\"+Inf\"} 3\n"))
        #expect(text.contains("llm_latency_seconds_count{provider=\"gemini\"} 3\n"))
        #expect(text.contains("llm_latency_seconds_sum{provider=\"gemini\"} 5.55\n"))
    }

    @Test func labelValuesAreEscaped() {
        let registry = MetricsRegistry()
        registry.set("g", labels: ["reason": "say \"hi\"\nnow"], to: 1.5)
        #expect(registry.render().contains("g{reason=\"say \\\"hi\\\"\\nnow\"} 1.5\n"))
    }

    @Test func writeIsAtomicAndReadable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = MetricsRegistry()
        registry.increment("c_total")
        let url = dir.appendingPathComponent("metrics.prom")
        try registry.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8).contains("c_total 1"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["metrics.prom"])
    }

    @Test func pushURLEscapesGrouping() throws {
        let gateway = Pushgateway(baseURL: try #require(URL(string: "http://127.0.0.1:9091")),
                                  grouping: ["run_id": "2026-12-01", "category": "waiting_hotplace"])
        #expect(gateway.pushURL.absoluteString
            == "http://127.0.0.1:9091/metrics/job/shop_summary/category/waiting_hotplace/run_id/2026-12-01")
    }

    @Test func nonInteractiveProgressLogsAtIntervalWithRateAndETA() {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "t", handler: handler)
        let start = Date(timeIntervalSince1970: 1_000)
        let progress = ProgressReporter(label: "waiting_hotplace", total: 100,
                                        configuration: .init(interactive: false, colors: false, lineInterval: 10),
                                        logger: logger, now: start, write: { _ in })
        progress.advance(succeeded: 10)
        progress.tick(now: start.addingTimeInterval(5))   // too early: nothing
        #expect(handler.records.isEmpty)
        progress.advance(succeeded: 9, failed: 1)
        progress.tick(now: start.addingTimeInterval(10))
        let line = handler.records.last
        #expect(line?.event == "progress")
        #expect(line?.metadata["progress.done"] == .int(20))
        #expect(line?.metadata["progress.failed"] == .int(1))
        #expect(line?.metadata["progress.eta_s"] == .int(40))
        progress.finish(now: start.addingTimeInterval(11))
        #expect(handler.records.last?.event == "progress.finished")
    }

    @Test func heartbeatIntervalIsCappedAt30Seconds() {
        #expect(ProgressReporter.Configuration(interactive: false, colors: false, lineInterval: 300).lineInterval == 30)
    }

    @Test func barShowsRateETAAndNoColorWhenDisabled() {
        let start = Date(timeIntervalSince1970: 0)
        let progress = ProgressReporter(label: "fine", total: 200,
                                        configuration: .init(interactive: true, colors: false),
                                        logger: .disabled(), now: start, write: { _ in })
        let line = progress.barLine((done: 50, failed: 2), now: start.addingTimeInterval(25))
        #expect(line == "fine [#######.....................] 50/200 25% 2.0/s ETA 1m15s (2 failed)")
        #expect(!line.contains("\u{1B}["))
    }

    @Test func jsonLogLinesEscapeAndKeepTypes() throws {
        let record = LogRecord(date: Date(timeIntervalSince1970: 0), level: .info, label: "x", event: "shop.done",
                               metadata: ["shop.id": "a\"b", "duration_ms": 12, "ok": .bool(true)])
        let line = StderrLogHandler.jsonLine(record)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["shop.id"] as? String == "a\"b")
        #expect(object?["duration_ms"] as? Int == 12)
        #expect(object?["ok"] as? Bool == true)
        #expect(object?["event"] as? String == "shop.done")
        #expect((object?["ts"] as? String)?.hasPrefix("1970-01-01T00:00:00") == true)
    }
}

@Suite("Secret redaction")
struct SecretRedactionTests {
    @Test func redactsEnvironmentSecretsInEventsAndMetadata() {
        let key = "AIzaSyFAKE-test-key-0123456789"
        let handler = InMemoryLogHandler()
        let redactor = SecretRedactor(environment: ["GEMINI_API_KEY": key, "HOME": "/root"])
        let logger = Logger(label: "t", handler: RedactingLogHandler(wrapping: handler, redactor: redactor))
        logger.error("request failed for key \(key)", ["error.message": .string("echo: \(key)"), "n": 1])
        let record = handler.records[0]
        #expect(!record.event.contains(key))
        #expect(record.event.contains("[REDACTED]"))
        #expect(record.metadata["error.message"] == .string("echo: [REDACTED]"))
        #expect(record.metadata["n"] == .int(1))
    }

    @Test func ignoresShortValuesAndRedactsLongestFirst() {
        let redactor = SecretRedactor(secrets: ["abc", "secret-token-1234", "secret-token-1234-extended"])
        #expect(redactor.redact("abc secret-token-1234-extended") == "abc [REDACTED]")
    }
}
