import Foundation
@testable import Pipeline

/// Per-test temporary directory, removed by the caller in `defer`.
func makeTempDir(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("pipeline-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Repository root (Tests/PipelineTests/ → ../..).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Shared real data (read-only, never copied into the repo); tests using it skip when absent.
let sharedDataDir = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data/naver-place-seoul")
let shared30 = sharedDataDir.appendingPathComponent("shops_30.jsonl")
let shared2000 = sharedDataDir.appendingPathComponent("shops_2000.jsonl.gz")
let naverMapping = repoRoot.appendingPathComponent("config/mapping-naver-place.json")
let shippedRules = repoRoot.appendingPathComponent("config/category-rules.json")

/// Writes lines to a file.
func writeLines(_ lines: [String], to url: URL) throws {
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
}

/// A native-schema shop row as JSON text.
func nativeRow(id: String, name: String = "가게", cuisine: String = "한식", reviews: [(String, String, String)] = [
    ("맛있어요 또 올게요", "2025-01-01", "u1"),
]) -> String {
    let reviewJSON = reviews.map { text, date, author in
        "{\"text\": \"\(text)\", \"date\": \"\(date)\", \"author\": \"\(author)\", \"tags\": [\"저녁에 방문\"]}"
    }.joined(separator: ",")
    return "{\"id\": \"\(id)\", \"name\": \"\(name)\", \"cuisine\": \"\(cuisine)\", \"reviews\": [\(reviewJSON)]}"
}
