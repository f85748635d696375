import Foundation

/// Combines shard outputs (`<category>.shard-i-of-n.jsonl`) into one `<category>.jsonl` per
/// category and checks completeness against the input: every valid shop of the category must
/// have exactly one row (ok or failed).
public enum ShardMerger {
    /// What merge found for one category.
    public struct CategoryResult: Sendable, Codable, Hashable {
        public var category: String
        /// Shard files combined (empty when the unsharded file was checked as is).
        public var shardFiles: [String]
        public var expected: Int
        public var rows: Int
        public var ok: Int
        public var failed: Int
        /// Shops of the input with no row.
        public var missing: [String]
        /// Shops with more than one row across shards.
        public var duplicates: [String]
        /// Rows for shops that are not in this category of the input.
        public var unexpected: [String]
        public var output: String

        public var complete: Bool { missing.isEmpty && duplicates.isEmpty }
    }

    /// Merges and checks each category.
    /// - Throws: ``PipelineError`` `.output` for unreadable files or shard files of different counts.
    public static func merge(layout: RunLayout, input: PreparedInput,
                             categories: [ShopCategory] = ShopCategory.allCases) throws -> [CategoryResult] {
        try categories.map { try merge(category: $0, layout: layout, input: input) }
    }

    static func merge(category: ShopCategory, layout: RunLayout, input: PreparedInput) throws -> CategoryResult {
        let fm = FileManager.default
        let prefix = "\(category.rawValue).shard-"
        let names = ((try? fm.contentsOfDirectory(atPath: layout.root.path)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".jsonl") }.sorted()
        let counts = Set(names.compactMap { name -> Int? in
            name.components(separatedBy: "-of-").last.flatMap { Int($0.dropLast(".jsonl".count)) }
        })
        guard counts.count <= 1 else {
            throw PipelineError(code: .output, message: "\(layout.root.path): shard files of \(category.rawValue) "
                + "come from different shard counts (\(counts.sorted())); remove the stale ones or use a new run id")
        }
        let output = layout.output(category)
        let sources = names.isEmpty ? [output] : names.map { layout.root.appendingPathComponent($0) }
        var byShop: [String: OutputRow] = [:]
        var duplicates: [String] = []
        for source in sources where fm.fileExists(atPath: source.path) {
            let data: Data
            do { data = try Data(contentsOf: source) } catch {
                throw PipelineError(code: .output, message: "cannot read \(source.path)", cause: error)
            }
            for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
                let row: OutputRow
                do { row = try JSONDecoder().decode(OutputRow.self, from: Data(line)) } catch {
                    throw PipelineError(code: .output, message: "\(source.path):\(index + 1): not an output row",
                                        cause: error)
                }
                if byShop[row.shopID] != nil { duplicates.append(row.shopID) }
                byShop[row.shopID] = row
            }
        }
        let expectedShops = input.shops(in: category)
        let expectedIDs = Set(expectedShops.map(\.id))
        let missing = expectedShops.map(\.id).filter { byShop[$0] == nil }
        let unexpected = byShop.keys.filter { !expectedIDs.contains($0) }.sorted()
        if !names.isEmpty {
            var data = Data()
            for shop in expectedShops {
                guard let row = byShop[shop.id] else { continue }
                data.append(try row.jsonLine())
                data.append(0x0A)
            }
            for id in unexpected {
                if let row = byShop[id] { data.append(try row.jsonLine()); data.append(0x0A) }
            }
            try DurableFile.publish(data, to: output)
        }
        let rows = byShop.values
        return CategoryResult(category: category.rawValue, shardFiles: names, expected: expectedShops.count,
                              rows: rows.count, ok: rows.filter { $0.status == .ok }.count,
                              failed: rows.filter { $0.status == .failed }.count, missing: missing,
                              duplicates: Array(Set(duplicates)).sorted(), unexpected: unexpected, output: output.path)
    }

    /// Writes `report.json` from the category reports present in `reports/` plus `steps`, and
    /// beside it `report.html` and `metrics.prom` (``RunArtifacts``).
    @discardableResult
    public static func writeRunReport(layout: RunLayout, input: PreparedInput?, steps: [RunReport.Step] = [],
                                      backup: String? = nil, dataDirectory: URL? = nil) throws -> RunReport {
        try layout.createDirectories()  // `merge` of a run that wrote nothing yet still reports
        let dir = layout.root.appendingPathComponent("reports")
        var categories: [String: CategoryReport] = [:]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }
        for name in names.sorted() {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path),
                  let report = try? JSONDecoder().decode(CategoryReport.self, from: data)
            else { continue }
            categories[String(name.dropLast(".json".count))] = report
        }
        let report = RunReport(runID: layout.runID, input: input?.summary, categories: categories, steps: steps,
                               backup: backup)
        try DurableFile.publish(try report.jsonData(), to: layout.report)
        try RunArtifacts.write(report: report, layout: layout, input: input, dataDirectory: dataDirectory)
        return report
    }
}
