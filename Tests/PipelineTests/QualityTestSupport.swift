import Foundation
import Pipeline

/// Fixtures for the quality suites: the shared real data (read-only, never copied) and the
/// repository's fictional samples.
enum QualityFixtures {
    /// `../shared/data/naver-place-seoul/shops_30.jsonl`, resolved from the package root.
    static let shops30Path: String = packageRoot.appendingPathComponent("../shared/data/naver-place-seoul/shops_30.jsonl").standardized.path
    static let samplesShopsPath: String = packageRoot.appendingPathComponent("samples/shops.jsonl").path
    static let samplesExamplesPath: String = packageRoot.appendingPathComponent("samples/examples.jsonl").path
    static let promptsDirectory: URL = packageRoot.appendingPathComponent("prompts")

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Reads the crawler shape of the shared Naver data into native shops (test-side mapping; the
    /// product reads it through the shipped mapping file).
    static func naverShops(path: String) throws -> [Shop] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            func s(_ key: String) -> String? {
                let v = obj[key]
                if let str = v as? String, str != "N/A" { return str }
                if let num = v as? NSNumber { return num.stringValue }
                return nil
            }
            let reviews = (obj["reviews"] as? [[String: Any]] ?? []).map { r in
                let tags = ((r["situations"] as? String ?? "") + "," + (r["keywords"] as? String ?? ""))
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return Review(text: r["content"] as? String ?? "", date: r["date"] as? String, tags: tags,
                              author: r["reviewer"] as? String)
            }
            var attributes: [String: String] = [:]
            for key in ["services", "opening_hours", "share_wait_30min_plus", "share_any_wait", "share_reservation", "visitor_review_count"] {
                if let v = s(key) { attributes[key] = v }
            }
            return Shop(id: s("place_id") ?? "", name: s("name") ?? "", cuisine: s("category"), address: s("address"),
                        rating: s("naver_rating").flatMap(Double.init), attributes: attributes,
                        badges: s("badges").map { [$0] } ?? [], reviews: reviews)
        }
    }

    /// The repository's fictional sample shops.
    static func sampleShops() throws -> [Shop] {
        let decoder = JSONDecoder()
        return try String(contentsOfFile: samplesShopsPath, encoding: .utf8).split(separator: "\n")
            .map { try decoder.decode(Shop.self, from: Data($0.utf8)) }
    }

    /// The repository's fictional example summaries.
    static func sampleExamples() throws -> [ExampleSummary] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try String(contentsOfFile: samplesExamplesPath, encoding: .utf8).split(separator: "\n")
            .map { try decoder.decode(ExampleSummary.self, from: Data($0.utf8)) }
    }

    /// A crude category guess for fixtures (the product's rules live in the pipeline).
    static func guessCategory(_ shop: Shop) -> ShopCategory {
        let text = (shop.cuisine ?? "") + " " + shop.badges.joined(separator: " ")
        if ["오마카세", "스시", "미쉐린", "코스요리", "프랑스"].contains(where: text.contains) { return .fineDining }
        if let share = shop.attributes["share_wait_30min_plus"].flatMap(Double.init), share >= 0.2 { return .waitingHotplace }
        return .casualDining
    }

    /// A temporary directory removed by the caller's `defer`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
