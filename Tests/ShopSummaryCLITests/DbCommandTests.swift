import Foundation
import Observability
import Testing
@testable import ShopSummaryCLI

@Suite("db commands")
struct DbCommandTests {
    struct Result {
        var code: Int32
        var out: String
        var err: String
    }

    static func run(_ args: [String]) async -> Result {
        let out = OutputSink(), err = OutputSink()
        let code = await RootCommand.main(arguments: args, environment: ["SHOP_SUMMARY_DB_GC_GRACE": "0"],
                                          output: out.append, errorOutput: err.append, logHandler: NullLogHandler())
        return Result(code: code, out: out.text, err: err.text)
    }

    static func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbcli-" + UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func createAddQueryStatsRoundTrip() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        #expect(await Self.run(["db", "create", "--data-dir", db, "--collection", "ex", "--dimension", "3",
                                "--attribute", "embedder.model=offline"]).code == 0)
        let again = await Self.run(["db", "create", "--data-dir", db, "--collection", "ex", "--dimension", "3", "--if-missing"])
        #expect(again.code == 0 && again.out.hasPrefix("collection exists: ex"), "\(again.out)")
        #expect(await Self.run(["db", "create", "--data-dir", db, "--collection", "ex", "--dimension", "4", "--if-missing"]).code == 65)
        let file = dir.appendingPathComponent("in.jsonl")
        try """
        {"id":"a","embedding":[1,0,0],"document":"파스타 맛집","metadata":{"rating":4.5,"n":1}}
        {"id":"b","embedding":[0,1,0],"document":"국밥","metadata":{"rating":3,"n":2}}

        """.write(to: file, atomically: true, encoding: .utf8)
        let add = await Self.run(["db", "add", "--data-dir", db, "--collection", "ex", "--file", file.path])
        #expect(add.code == 0 && add.out.contains("acknowledged 2"))
        let q = await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[0.9,0.1,0]", "-k", "1", "--json"])
        #expect(q.code == 0 && q.out.contains(#""id":"a""#))
        // Several query vectors at once (Chroma's query_embeddings): one array of hits per query.
        let many = await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[[0.9,0.1,0],[0,1,0]]",
                                   "-k", "1", "--include", "metadatas", "--json"])
        #expect(many.out == #"[[{"id":"a","metadata":{"n":1,"rating":4.5}}],[{"id":"b","metadata":{"n":2,"rating":3}}]]"# + "\n",
                "\(many.out)\(many.err)")
        let lines = await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[[0.9,0.1,0],[0,1,0]]",
                                    "-k", "1", "--include", "metadatas"])
        #expect(lines.out == #"{"query":0,"id":"a","metadata":{"n":1,"rating":4.5}}"# + "\n"
                + #"{"query":1,"id":"b","metadata":{"n":2,"rating":3}}"# + "\n", "\(lines.out)")
        #expect(await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[[1,0,0],[0,1]]"]).code == 65)
        #expect(await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[[1,0,0],[0,1,0]]",
                                "--hybrid", "--text", "x"]).code == 64)
        let g = await Self.run(["db", "get", "--data-dir", db, "--collection", "ex", "--where", #"{"rating": {"$gte": 4}}"#])
        #expect(g.out.split(separator: "\n").count == 1 && g.out.contains(#""id":"a""#))
        let h = await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[0,1,0]", "--hybrid",
                                "--text", "파스타", "-k", "2"])
        #expect(h.code == 0 && h.out.split(separator: "\n").count == 2)
        let stats = await Self.run(["db", "stats", "--data-dir", db, "--json"])
        #expect(stats.code == 0)
        #expect(stats.out.contains(#""name":"ex","count":2,"dimension":3"#))
        #expect(stats.out.contains(#""embedder.model":"offline""#))
        // --include picks fields by Chroma's names; the id is always there.
        let slim = await Self.run(["db", "get", "--data-dir", db, "--collection", "ex", "--id", "a", "--include", "embeddings"])
        #expect(slim.out == #"{"id":"a","embedding":[1.0,0.0,0.0]}"# + "\n", "\(slim.out)")
        let near = await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[1,0,0]", "-k", "1",
                                   "--include", "distances,metadatas"])
        #expect(near.out == #"{"id":"a","distance":0.0,"metadata":{"n":1,"rating":4.5}}"# + "\n", "\(near.out)")
        let withVector = await Self.run(["db", "query", "--data-dir", db, "--collection", "ex", "--vector", "[1,0,0]", "-k", "1",
                                         "--include", "embeddings"])
        #expect(withVector.out == #"{"id":"a","embedding":[1.0,0.0,0.0]}"# + "\n", "\(withVector.out)")
        #expect(await Self.run(["db", "get", "--data-dir", db, "--collection", "ex", "--include", "distances"]).code == 64)
        #expect(await Self.run(["db", "count", "--data-dir", db, "--collection", "ex"]).out == "2\n")
        // Chroma's delete(where_document=…): the document filter alone, and together with --where (rows matching both).
        #expect(await Self.run(["db", "delete", "--data-dir", db, "--collection", "ex", "--where", #"{"n": 1}"#,
                                "--where-document", #"{"$contains": "국밥"}"#, "--json"]).out == #"{"deleted":0}"# + "\n")
        #expect(await Self.run(["db", "delete", "--data-dir", db, "--collection", "ex",
                                "--where-document", #"{"$contains": "국밥"}"#, "--json"]).out == #"{"deleted":1}"# + "\n")
        #expect(await Self.run(["db", "count", "--data-dir", db, "--collection", "ex"]).out == "1\n")
        #expect(await Self.run(["db", "delete", "--data-dir", db, "--collection", "ex", "--id", "a"]).out == "deleted 1\n")
        #expect(await Self.run(["db", "compact", "--data-dir", db]).code == 0)
        #expect(await Self.run(["db", "verify", "--data-dir", db]).code == 0)
        #expect(await Self.run(["db", "delete", "--data-dir", db, "--collection", "ex", "--drop-collection"]).code == 0)
        #expect(await Self.run(["db", "count", "--data-dir", db, "--collection", "ex"]).code == 66)
    }

    @Test func flippedByteIsExit65NamingTheFile() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        _ = await Self.run(["db", "create", "--data-dir", db, "--collection", "c", "--dimension", "2"])
        _ = await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--id", "x", "--vector", "[1,2]"])
        let data = db + "/collections/c/data/"
        let seg = try #require(try FileManager.default.contentsOfDirectory(atPath: data).first { $0.hasSuffix(".vseg") })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: data + seg))
        bytes[66] ^= 1
        try bytes.write(to: URL(fileURLWithPath: data + seg))
        for args in [["db", "stats"], ["db", "count", "--collection", "c"], ["db", "verify"]] {
            let r = await Self.run(args + ["--data-dir", db])
            #expect(r.code == 65, "\(args)")
            #expect((r.err + r.out).contains(seg), "\(args)")
            #expect(!(r.err + r.out).contains("Fatal error"))
        }
    }

    @Test func badInputAndUsageErrors() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        _ = await Self.run(["db", "create", "--data-dir", db, "--collection", "c", "--dimension", "2"])
        let file = dir.appendingPathComponent("bad.jsonl")
        try "{\"id\":\"a\",\"embedding\":[1,2]}\n{\"id\":\"b\",\"embedding\":[1,\"x\"]}\n".write(to: file, atomically: true, encoding: .utf8)
        let r = await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--file", file.path])
        #expect(r.code == 65)
        #expect(r.err.contains("bad.jsonl:2") && r.err.contains("embedding"))
        #expect(await Self.run(["db", "count", "--data-dir", db, "--collection", "c"]).out == "0\n")
        let dim = await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--id", "z", "--vector", "[1,2,3]"])
        #expect(dim.code == 65 && dim.err.contains("dimension"))
        #expect(await Self.run(["db", "query", "--data-dir", db, "--collection", "c"]).code == 64)
        #expect(await Self.run(["db", "get", "--data-dir", db, "--collection", "c", "--where", #"{"a": {"$bad": 1}}"#]).code == 65)
    }

    /// Only `db create` makes a store: every other command on a missing or foreign directory exits
    /// 66 naming the path and leaves the file system as it was (a mistyped `--data-dir` must not
    /// "verify" as a fresh, empty store).
    @Test func readCommandsNeverCreateAStore() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("typo").path
        let foreign = dir.appendingPathComponent("foreign").path
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        for path in [missing, foreign] {
            for args in [["db", "stats"], ["db", "verify"], ["db", "compact"], ["db", "count", "--collection", "c"],
                         ["db", "get", "--collection", "c"], ["db", "query", "--collection", "c", "--vector", "[1,0]"],
                         ["db", "delete", "--collection", "c", "--id", "a"], ["db", "add", "--collection", "c", "--id", "a", "--vector", "[1,0]"]] {
                let r = await Self.run(args + ["--data-dir", path])
                #expect(r.code == 66, "\(args) on \(path): \(r.err)")
                #expect(r.err.contains(path) && r.err.contains("store not found"), "\(args): \(r.err)")
            }
        }
        // Generating needs the example store too (it is made by init or examples import).
        let shops = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/shops.jsonl").path
        let generate = await Self.run(["generate", "--category", "waiting_hotplace", "--input", shops, "--data-dir", missing,
                                       "--output", dir.appendingPathComponent("out").path, "--run-id", "t1"])
        #expect(generate.code == 66 && generate.err.contains("no vector store at \(missing)"), "\(generate.err)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(try FileManager.default.contentsOfDirectory(atPath: foreign).isEmpty)
        #expect(await Self.run(["db", "create", "--data-dir", missing, "--collection", "c", "--dimension", "2"]).code == 0)
        #expect(await Self.run(["db", "verify", "--data-dir", missing]).code == 0)
    }

    /// Record files are streamed line by line: CRLF and blank lines are fine, a multi-line JSON
    /// array is still one document, and a bad line is named by its number.
    @Test func recordFilesInEveryShape() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        #expect(await Self.run(["db", "create", "--data-dir", db, "--collection", "c", "--dimension", "2"]).code == 0)
        let crlf = dir.appendingPathComponent("crlf.jsonl")
        try "\r\n{\"id\":\"a\",\"embedding\":[1,0]}\r\n\r\n{\"id\":\"b\",\"embedding\":[0,1]}".write(to: crlf, atomically: true, encoding: .utf8)
        #expect(await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--file", crlf.path]).out == "acknowledged 2\n")
        let array = dir.appendingPathComponent("array.json")
        try "\n[\n  {\"id\": \"c\", \"embedding\": [1, 1]},\n  {\"id\": \"d\",\n   \"embedding\": [2, 1]}\n]\n".write(to: array, atomically: true, encoding: .utf8)
        #expect(await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--file", array.path]).out == "acknowledged 2\n")
        let bad = dir.appendingPathComponent("bad.jsonl")
        try "{\"id\":\"e\",\"embedding\":[1,0]}\n\n{\"id\":\"f\",\"embedding\":[1,0]\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--file", bad.path])
        #expect(r.code == 65 && r.err.contains("bad.jsonl:3"), "\(r.err)")
        #expect(await Self.run(["db", "count", "--data-dir", db, "--collection", "c"]).out == "4\n")
        let missing = await Self.run(["db", "add", "--data-dir", db, "--collection", "c", "--file", dir.appendingPathComponent("nope.jsonl").path])
        #expect(missing.code == 66 && missing.err.contains("nope.jsonl"))
    }

    /// `db query --text` without `--vector` embeds the text with the configured embedder, which
    /// must be the one the collection records; hybrid ranks the documents that contain the words.
    @Test func textQueriesAreEmbeddedWithTheCollectionsEmbedder() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/examples.jsonl").path
        #expect(await Self.run(["examples", "import", "--file", examples, "--data-dir", db]).code == 0)
        let collection = "waiting_hotplace_examples"
        let hybrid = await Self.run(["db", "query", "--data-dir", db, "--collection", collection, "--text", "화덕 피자",
                                     "--hybrid", "-k", "3", "--json"])
        #expect(hybrid.code == 0, "\(hybrid.err)")
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(hybrid.out.utf8)) as? [[String: Any]])
        #expect(hits.count == 3)
        #expect((hits.first?["document"] as? String)?.contains("화덕 피자") == true, "\(hybrid.out)")
        let plain = await Self.run(["db", "query", "--data-dir", db, "--collection", collection, "--text", "화덕 피자", "-k", "2"])
        #expect(plain.code == 0 && plain.out.split(separator: "\n").count == 2)
        // A collection that records no embedder cannot take text.
        #expect(await Self.run(["db", "create", "--data-dir", db, "--collection", "raw", "--dimension", "2"]).code == 0)
        let raw = await Self.run(["db", "query", "--data-dir", db, "--collection", "raw", "--text", "x"])
        #expect(raw.code == 64 && raw.err.contains("records no embedder"))
        // Another embedder than the recorded one is refused (exit 65, naming both).
        let other = await Self.run(["db", "create", "--data-dir", db, "--collection", "other", "--dimension", "384",
                                    "--attribute", "embedder.provider=gemini", "--attribute", "embedder.model=gemini-embedding-001"])
        #expect(other.code == 0)
        let mismatch = await Self.run(["db", "query", "--data-dir", db, "--collection", "other", "--text", "x"])
        #expect(mismatch.code == 65 && mismatch.err.contains("gemini-embedding-001") && mismatch.err.contains("offline"), "\(mismatch.err)")
    }
}
