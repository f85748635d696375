import CryptoSupport
import Foundation
import Observability

/// The input of a run, read and categorised once: valid shops, each shop's category decision,
/// and the skipped rows.
public struct PreparedInput: Sendable {
    /// What the reader produced.
    public var input: ShopInput
    /// Shop id → category decision.
    public var decisions: [String: CategoryRules.Decision]
    /// Input file path.
    public var file: String

    /// Reads `url` through `mapping` and decides every shop's category with `rules`.
    public static func load(input url: URL, mapping: InputMapping, rules: CategoryRules,
                            logger: Logger = .disabled()) throws -> PreparedInput {
        let input = try ShopReader.read(url: url, mapping: mapping, logger: logger)
        var decisions: [String: CategoryRules.Decision] = [:]
        for shop in input.shops { decisions[shop.id] = rules.decide(shop) }
        return PreparedInput(input: input, decisions: decisions, file: url.path)
    }

    /// Shops of `category` in `shard`, in input order.
    public func shops(in category: ShopCategory, shard: ShardSpec = .all) -> [Shop] {
        input.shops.filter { decisions[$0.id]?.category == category && shard.contains(shopID: $0.id) }
    }

    /// Counts and skipped rows for reports.
    public var summary: InputSummary {
        var categories: [String: Int] = [:]
        for category in ShopCategory.allCases { categories[category.rawValue] = 0 }
        for decision in decisions.values { categories[decision.category.rawValue, default: 0] += 1 }
        return InputSummary(file: file, rowsRead: input.rowsRead, validShops: input.shops.count,
                            skippedRows: input.issues.count, reviewsRead: input.reviewsRead,
                            duplicateReviewsCollapsed: input.duplicateReviewsCollapsed, categories: categories,
                            skipped: input.issues)
    }

    /// SHA-256 over the mapped shop (sorted-key JSON) and its category: changes when anything
    /// the prompt could see changes.
    public static func inputHash(_ shop: Shop, category: ShopCategory) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(shop)) ?? Data("\(shop)".utf8)
        data.append(contentsOf: Array("|\(category.rawValue)".utf8))
        return SHA256.hexHash(data)
    }
}
