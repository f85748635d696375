import CryptoSupport
import Foundation

/// A deterministic subset of shops: shard `index` of `count` (1-based), chosen by a stable hash
/// (SHA-256) of the shop id, so every process computes the same split and the shards together
/// cover every shop exactly once.
public struct ShardSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based shard number.
    public let index: Int
    /// Number of shards.
    public let count: Int

    /// The whole input as one shard.
    public static let all = ShardSpec(uncheckedIndex: 1, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Creates shard `index` of `count`.
    /// - Throws: ``PipelineError`` `.invalidArgument` unless 1 ≤ index ≤ count ≤ 1024.
    public init(index: Int, count: Int) throws {
        guard (1...1024).contains(count), (1...count).contains(index) else {
            throw PipelineError(code: .invalidArgument,
                                message: "shard \(index)/\(count) is invalid: use i/n with 1 ≤ i ≤ n ≤ 1024 (e.g. 2/4)")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `i/n`, e.g. `2/4`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw PipelineError(code: .invalidArgument, message: "shard '\(text)' is not of the form i/n (e.g. 2/4)")
        }
        try self.init(index: index, count: count)
    }

    /// The 1-based shard a shop id falls into among `count` shards.
    public static func shard(of shopID: String, count: Int) -> Int {
        let digest = SHA256.hash(shopID)
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(max(count, 1))) + 1
    }

    /// Whether this shard holds the shop.
    public func contains(shopID: String) -> Bool {
        count == 1 || Self.shard(of: shopID, count: count) == index
    }

    /// File-name suffix: empty for the whole input, else `.shard-2-of-4`.
    public var fileSuffix: String { count == 1 ? "" : ".shard-\(index)-of-\(count)" }

    public var description: String { "\(index)/\(count)" }
}
