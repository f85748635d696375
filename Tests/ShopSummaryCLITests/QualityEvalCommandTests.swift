import Foundation
import Testing
@testable import ShopSummaryCLI

/// `shop-summary eval` end to end on the fictional samples.
@Suite("eval command")
struct QualityEvalCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    @Test func evaluatesTheSamplesInProcessAndWritesJSONAndHTML() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = OutputSink()
        let err = OutputSink()
        let code = await RootCommand.main(arguments: [
            "eval", "--input", Self.path("samples/shops.jsonl"), "--examples", Self.path("samples/examples.jsonl"),
            "--prompts", Self.path("prompts"), "--rules", Self.path("config/category-rules.json"),
            "--report", dir.appendingPathComponent("eval.json").path, "--html", dir.appendingPathComponent("eval.html").path,
            "--strict", "--log-level", "error",
        ], output: out.append, errorOutput: err.append)
        #expect(code == 0, "\(err.text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        let coverage = try #require(json["coverage"] as? [String: Any])
        #expect(coverage["summaries"] as? Int == 40)
        let acceptance = try #require(json["acceptance"] as? [String: Any])
        #expect(acceptance["passed"] as? Bool == true)
        let versions = try #require(json["prompt_versions"] as? [String: String])
        #expect(versions.count == 3)
        let saved = try String(contentsOf: dir.appendingPathComponent("eval.json"), encoding: .utf8)
        #expect(saved.trimmingCharacters(in: .whitespacesAndNewlines) == out.text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try String(contentsOf: dir.appendingPathComponent("eval.html"), encoding: .utf8).contains("<section id=\"quality\">"))
    }

    @Test func badInvocationsGiveClearErrorsAndExitCodes() async throws {
        let sink = OutputSink()
        #expect(await RootCommand.main(arguments: ["eval", "--input", "/nonexistent/shops.jsonl"],
                                       output: sink.append, errorOutput: sink.append) == 66)
        #expect(sink.text.contains("/nonexistent/shops.jsonl"))
        #expect(await RootCommand.main(arguments: ["eval", "--input", Self.path("samples/shops.jsonl"), "--k", "0"],
                                       output: sink.append, errorOutput: sink.append) == 64)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{\"shop_id\": \"sample-001\"}\nnot json\n".write(to: dir.appendingPathComponent("waiting_hotplace.jsonl"), atomically: true, encoding: .utf8)
        let bad = OutputSink()
        #expect(await RootCommand.main(arguments: ["eval", "--input", Self.path("samples/shops.jsonl"), "--run-dir", dir.path,
                                                   "--examples", Self.path("samples/examples.jsonl")],
                                       output: bad.append, errorOutput: bad.append) == 65)
        #expect(bad.text.contains("waiting_hotplace.jsonl:2"))
    }
}
