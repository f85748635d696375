import Foundation
import Testing
@testable import Pipeline

@Suite("Shards and run ids")
struct ShardAndRunIDTests {
    @Test func parsesAndRejectsShardSpecs() throws {
        #expect(try ShardSpec(parsing: "2/4") == ShardSpec(index: 2, count: 4))
        for bad in ["0/4", "5/4", "a/b", "1", "1/0", "1/4/2", ""] {
            #expect(throws: PipelineError.self) { try ShardSpec(parsing: bad) }
        }
        #expect(try ShardSpec(parsing: "2/4").fileSuffix == ".shard-2-of-4")
        #expect(ShardSpec.all.fileSuffix == "")
    }

    @Test func shardsPartitionIdsDeterministically() throws {
        let ids = (0..<5000).map { "id-\($0)" }
        let shards = try (1...4).map { try ShardSpec(index: $0, count: 4) }
        var seen = Set<String>()
        for shard in shards {
            let mine = ids.filter { shard.contains(shopID: $0) }
            #expect(seen.isDisjoint(with: mine))
            seen.formUnion(mine)
        }
        #expect(seen.count == ids.count)
        #expect(ShardSpec.shard(of: "1068025091", count: 4) == ShardSpec.shard(of: "1068025091", count: 4))
    }

    // 4 shards of the 2,000 real shops: union = all, no overlap, sizes within ±10 %. Skipped when absent.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared2000.path)))
    func fourShardsOfTheRealShopsAreBalanced() throws {
        let input = try ShopReader.read(url: shared2000, mapping: InputMapping.load(from: naverMapping))
        let ids = input.shops.map(\.id)
        var union = Set<String>()
        var total = 0
        for index in 1...4 {
            let shard = try ShardSpec(index: index, count: 4)
            let mine = ids.filter { shard.contains(shopID: $0) }
            #expect(abs(mine.count - 500) <= 50, "shard \(index) has \(mine.count)")
            total += mine.count
            union.formUnion(mine)
        }
        #expect(total == ids.count)
        #expect(union == Set(ids))
    }

    static func date(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    @Test(arguments: [
        ("2026-12-01T00:00:00Z", "2026-12-01"),  // 09:00 KST on the 1st: after the 02:00 slot
        ("2026-11-30T16:59:59Z", "2026-11-15"),  // 01:59:59 KST on Dec 1st: still the previous slot
        ("2026-11-30T17:00:00Z", "2026-12-01"),  // exactly 02:00 KST
        ("2026-12-14T16:00:00Z", "2026-12-01"),  // 01:00 KST on the 15th
        ("2026-12-14T23:00:00Z", "2026-12-15"),  // 08:00 KST on the 15th
        ("2026-12-15T12:00:00Z", "2026-12-15"),
        ("2026-12-31T16:00:00Z", "2026-12-15"),  // 01:00 KST Jan 1st → mid-December slot
        ("2028-03-01T03:00:00Z", "2028-03-01"),  // leap year
    ])
    func runIDIsTheScheduleSlotInSeoul(now: String, expected: String) {
        #expect(RunID.scheduleSlot(now: Self.date(now)) == expected)
    }

    @Test func unsafeRunIDsAreRejected() {
        for bad in ["", "..", "a/b", "x y", String(repeating: "a", count: 65)] {
            #expect(throws: PipelineError.self) { try RunID.validate(bad) }
        }
        #expect(throws: Never.self) { try RunID.validate("2026-12-01") }
    }
}
