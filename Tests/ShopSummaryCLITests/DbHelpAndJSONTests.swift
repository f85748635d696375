import Foundation
import Testing
@testable import ShopSummaryCLI

/// Every `db` subcommand documents itself, and every `--json` output is one JSON document that
/// a script can parse (not a line of prose).
@Suite("db help and JSON output")
struct DbHelpAndJSONTests {
    static let subcommands = ["create", "add", "upsert", "get", "query", "delete", "count", "stats", "verify", "compact",
                              "import-chroma"]

    @Test(arguments: subcommands)
    func helpNamesTheCommandAndItsOptions(_ name: String) async {
        let r = await DbCommandTests.run(["db", name, "--help"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("USAGE: shop-summary db \(name)"), "\(r.out)")
        #expect(r.out.contains("--data-dir") && r.out.contains("--help"), "\(r.out)")
        if name != "import-chroma" { #expect(r.out.contains("--json"), "\(r.out)") }
    }

    @Test func unknownFlagIsAUsageErrorNamingIt() async {
        let r = await DbCommandTests.run(["db", "count", "--collection", "c", "--jsn"])
        #expect(r.code == 64 && r.err.contains("--jsn"), "\(r.err)")
    }

    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test func everyWritingAndMaintenanceCommandPrintsParsableJSON() async throws {
        let dir = DbCommandTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("db").path
        let file = dir.appendingPathComponent("rows.jsonl")
        try """
        {"id":"a","embedding":[1,0],"document":"파스타","metadata":{"n":1}}
        {"id":"b","embedding":[0,1],"document":"국밥","metadata":{"n":2}}

        """.write(to: file, atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["db", "create", "--data-dir", db, "--collection", "c", "--dimension", "2", "--json"],
            ["db", "add", "--data-dir", db, "--collection", "c", "--file", file.path, "--json"],
            ["db", "upsert", "--data-dir", db, "--collection", "c", "--file", file.path, "--json"],
            ["db", "count", "--data-dir", db, "--collection", "c", "--json"],
            ["db", "get", "--data-dir", db, "--collection", "c", "--json"],
            ["db", "query", "--data-dir", db, "--collection", "c", "--vector", "[1,0]", "-k", "1", "--json"],
            ["db", "delete", "--data-dir", db, "--collection", "c", "--id", "b", "--json"],
            ["db", "compact", "--data-dir", db, "--json"],
            ["db", "verify", "--data-dir", db, "--json"],
            ["db", "stats", "--data-dir", db, "--json"],
        ]
        for args in steps {
            let r = await DbCommandTests.run(args)
            #expect(r.code == 0, "\(args[1]): \(r.err)")
            #expect(Self.json(r.out) != nil, "\(args[1]) --json printed: \(r.out)")
        }
        let count = await DbCommandTests.run(["db", "count", "--data-dir", db, "--collection", "c", "--json"])
        #expect(Self.json(count.out) as? Int == 1 || (Self.json(count.out) as? [String: Any])?["count"] as? Int == 1, "\(count.out)")
    }
}
