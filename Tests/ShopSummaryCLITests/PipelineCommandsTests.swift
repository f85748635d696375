import Foundation
import Observability
import Testing
@testable import ShopSummaryCLI

/// `examples import`, `generate`, `merge` through the command tree, on the shipped samples.
@Suite("Pipeline commands")
struct PipelineCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func run(_ arguments: [String], environment: [String: String] = [:]) async -> (Int32, String, String) {
        let out = OutputSink()
        let err = OutputSink()
        let code = await RootCommand.main(arguments: arguments, environment: environment, output: out.append,
                                          errorOutput: err.append, logHandler: NullLogHandler())
        return (code, out.text, err.text)
    }

    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func importGenerateResumeAndRefuseAnotherEmbedder() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        let examples = Self.root.appendingPathComponent("samples/examples.jsonl").path
        let shops = Self.root.appendingPathComponent("samples/shops.jsonl").path
        let (importCode, importOut, _) = await run(["examples", "import", "--file", examples, "--data-dir", db])
        #expect(importCode == 0)
        #expect(importOut.contains("waiting_hotplace_examples: 10 examples upserted"))
        let generate = ["generate", "--category", "waiting_hotplace", "--input", shops, "--data-dir", db,
                        "--output", dir.appendingPathComponent("out").path, "--run-id", "t1", "--llm", "offline"]
        let (code, out, err) = await run(generate)
        #expect(code == 0, "\(err)")
        #expect(out.contains("0 resumed"))
        let (again, againOut, _) = await run(generate)
        #expect(again == 0)
        #expect(againOut.contains("12 resumed"))
        let reportURL = dir.appendingPathComponent("out/t1/reports/waiting_hotplace.json")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reportURL)) as? [String: Any]
        #expect(report?["generation_calls"] as? Int == 0)
        #expect(report?["embedding_calls"] as? Int == 0)

        let (mismatch, _, mismatchErr) = await run(generate, environment: ["SHOP_SUMMARY_EMBEDDING_DIM": "128"])
        #expect(mismatch == 65)
        #expect(mismatchErr.contains("waiting_hotplace_examples was embedded with offline/hashed-ngram-v1@384"))
        #expect(mismatchErr.contains("@128"))

        let (mergeCode, mergeOut, _) = await run(["merge", "--input", shops, "--output",
                                                  dir.appendingPathComponent("out").path, "--run-id", "t1",
                                                  "--category", "waiting_hotplace"])
        #expect(mergeCode == 0)
        #expect(mergeOut.contains("waiting_hotplace: 12/12 shops"))
    }

    @Test func usageAndInputErrorsHaveTheirExitCodes() async throws {
        let (badShard, _, shardErr) = await run(["generate", "--category", "waiting_hotplace", "--input", "x",
                                                 "--shard", "0/4"])
        #expect(badShard == 64)
        #expect(shardErr.contains("shard 0/4 is invalid"))
        let (badRunID, _, _) = await run(["generate", "--category", "waiting_hotplace", "--input", "x",
                                          "--run-id", "../escape"])
        #expect(badRunID == 64)
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (missing, _, missingErr) = await run(["generate", "--category", "waiting_hotplace", "--input",
                                                  dir.appendingPathComponent("nope.jsonl").path, "--data-dir",
                                                  dir.appendingPathComponent("db").path, "--llm", "offline"])
        #expect(missing == 66)
        #expect(missingErr.contains("nope.jsonl does not exist"))
        let badMapping = dir.appendingPathComponent("m.json")
        try Data("{\"shop\": {\"id\": \"i\"}}".utf8).write(to: badMapping)
        let (mappingCode, _, mappingErr) = await run(["merge", "--input", "x", "--mapping", badMapping.path,
                                                      "--run-id", "r"])
        #expect(mappingCode == 65)
        #expect(mappingErr.contains("field 'shop.name': is required"))
    }
}
