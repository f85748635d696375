import CryptoSupport
import Foundation
import Testing
@testable import ObjectStore

/// Throughput/memory probe: multipart upload + download of an N MiB file (SHOP_SUMMARY_S3_PROBE_MB,
/// default 16) through moto, checked byte-identical, printing throughput and the process's peak RSS
/// (VmHWM). For meaningful peaks run it alone, e.g.
/// `SHOP_SUMMARY_S3_PROBE_MB=256 swift test --filter S3ThroughputProbe`. Figures: docs/modules/s3.md.
@Suite("S3 throughput probe", .enabled(if: TestEnvironment.hasMoto, "needs SHOP_SUMMARY_TEST_S3_ENDPOINT"))
struct S3ThroughputProbe {
    static func peakRSSMiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    @Test func uploadAndDownload() async throws {
        let mib = Int(TestEnvironment.env["SHOP_SUMMARY_S3_PROBE_MB"] ?? "16") ?? 16
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("probe.bin")
        _ = FileManager.default.createFile(atPath: source.path, contents: nil)
        let handle = try FileHandle(forWritingTo: source)
        for index in 0..<mib { try handle.write(contentsOf: TestEnvironment.bytes(count: 1 << 20, seed: UInt64(index))) }
        try handle.close()
        let before = Self.peakRSSMiB()
        let store = try await TestEnvironment.makeStore(tag: "probe")
        let start = ContinuousClock.now
        try await store.putFile(source, key: "probe.bin")
        let uploaded = ContinuousClock.now
        let back = dir.appendingPathComponent("back.bin")
        try await store.getFile(key: "probe.bin", to: back)
        let downloaded = ContinuousClock.now
        #expect(try SHA256.hexHash(fileAt: back) == SHA256.hexHash(fileAt: source))
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let up = seconds(uploaded - start), down = seconds(downloaded - uploaded)
        print("s3_probe size_mib=\(mib) upload_s=\(up) download_s=\(down) upload_mib_s=\(Double(mib) / up) "
              + "download_mib_s=\(Double(mib) / down) peak_rss_before_mib=\(before) peak_rss_after_mib=\(Self.peakRSSMiB())")
    }
}
