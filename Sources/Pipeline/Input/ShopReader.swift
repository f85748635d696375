import Foundation
import VectorStore
import Observability

/// A bad input row: where it is and why it was skipped.
public struct InputIssue: Sendable, Codable, Hashable, CustomStringConvertible {
    /// Input file path.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// The field at fault (source path and native name), when one is.
    public var field: String?
    /// Why the row was skipped.
    public var reason: String
    /// The shop id, when it could be read.
    public var shopID: String?

    public init(file: String, line: Int, field: String?, reason: String, shopID: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        self.shopID = shopID
    }

    enum CodingKeys: String, CodingKey {
        case file, line, field, reason
        case shopID = "shop_id"
    }

    public var description: String {
        "\(file):\(line): " + (field.map { "field '\($0)': " } ?? "") + reason
    }
}

/// Everything read from one input file.
public struct ShopInput: Sendable {
    /// Valid shops in input order, reviews de-duplicated.
    public var shops: [Shop]
    /// Skipped rows with reasons.
    public var issues: [InputIssue]
    /// Non-blank lines read.
    public var rowsRead: Int
    /// Reviews read from valid shops (before de-duplication).
    public var reviewsRead: Int
    /// Exact duplicate reviews (same author, date and text within a shop) removed.
    public var duplicateReviewsCollapsed: Int
}

/// Reads JSON Lines shops (plain or `.gz`) through an ``InputMapping``: validates each row,
/// skips bad ones with an ``InputIssue`` (file, line, field), collapses duplicate reviews.
public enum ShopReader {
    /// Rows longer than this are skipped (protects memory against a runaway line).
    public static let maxLineBytes = 16 << 20

    /// Reads every row of `url`.
    /// - Throws: ``PipelineError`` `.inputMissing`/`.inputUnreadable` when the file itself fails;
    ///   bad rows never throw.
    public static func read(url: URL, mapping: InputMapping = .native, logger: Logger = .disabled()) throws
        -> ShopInput
    {
        let file = url.path
        var result = ShopInput(shops: [], issues: [], rowsRead: 0, reviewsRead: 0, duplicateReviewsCollapsed: 0)
        var firstLine: [String: Int] = [:]
        try LineFile.forEachLine(in: url) { lineNumber, bytes in
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            result.rowsRead += 1
            func skip(_ field: String?, _ reason: String, id: String? = nil) {
                let issue = InputIssue(file: file, line: lineNumber, field: field, reason: reason, shopID: id)
                logger.warning("input.row_skipped", ["input.file": .string(file), "input.line": .int(lineNumber),
                                                     "input.field": .string(field ?? ""), "error.reason": .string(reason)])
                result.issues.append(issue)
            }
            guard bytes.count <= maxLineBytes else { return skip(nil, "line longer than \(maxLineBytes) bytes") }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                return skip(nil, "invalid UTF-8 at byte \(firstInvalidUTF8Offset(bytes))")
            }
            let row: RowValue
            do throws(JSONParseError) { row = try RowValue.parse(bytes) } catch {
                return skip(nil, "invalid JSON (\(error))")
            }
            var shop: Shop
            do throws(FieldProblem) { shop = try mapping.shop(from: row) } catch {
                let id = (try? mapping.shop["id"]?.extract(from: row, name: "id"))??.text
                return skip(error.field, error.reason, id: id)
            }
            if let first = firstLine[shop.id] {
                return skip("id", "duplicate shop id '\(shop.id)' (first on line \(first))", id: shop.id)
            }
            firstLine[shop.id] = lineNumber
            result.reviewsRead += shop.reviews.count
            result.duplicateReviewsCollapsed += collapseDuplicateReviews(&shop)
            result.shops.append(shop)
        }
        return result
    }

    /// Removes exact duplicate reviews (same author, date and text), keeping the first; returns how many.
    @discardableResult
    public static func collapseDuplicateReviews(_ shop: inout Shop) -> Int {
        var seen = Set<ReviewKey>()
        let before = shop.reviews.count
        shop.reviews = shop.reviews.filter { seen.insert(ReviewKey(author: $0.author, date: $0.date, text: $0.text)).inserted }
        return before - shop.reviews.count
    }

    private struct ReviewKey: Hashable {
        var author: String?
        var date: String?
        var text: String
    }

    private static func firstInvalidUTF8Offset(_ bytes: Data) -> Int {
        // Binary search on the longest valid prefix.
        var low = 0
        var high = bytes.count
        let start = bytes.startIndex
        while low < high {
            let mid = (low + high + 1) / 2
            if String(validating: bytes[start..<start + mid], as: UTF8.self) != nil { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
