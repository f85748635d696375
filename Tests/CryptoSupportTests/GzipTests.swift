import CryptoSupport
import Foundation
import Testing

@Suite("Gzip")
struct GzipTests {
    // MARK: - Fixtures

    private func makeTempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Half compressible text, half pseudo-random bytes, deterministic.
    private func sampleData(count: Int, seed: UInt64 = 42) -> Data {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        let text = Array("맛있는 김치찌개와 친절한 사장님. The broth is rich; 웨이팅 30분. ".utf8)
        for i in 0..<count {
            if (i / 4096) % 2 == 0 {
                bytes[i] = text[i % text.count]
            } else {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        return Data(bytes)
    }

    @discardableResult
    private func writeGzip(_ data: Data, to url: URL, chunk: Int = 300_000) throws -> GzipWriter.Summary {
        var writer = try GzipWriter(fileAt: url)
        var offset = 0
        while offset < data.count {
            let end = min(offset + chunk, data.count)
            try writer.write(data.subdata(in: offset..<end))
            offset = end
        }
        return try writer.finish(synchronize: true)
    }

    private func readGzip(_ url: URL, maxBytes: Int = 77_777) throws -> Data {
        var reader = try GzipReader(fileAt: url)
        var out = Data()
        while let chunk = try reader.read(maxBytes: maxBytes) {
            #expect(!chunk.isEmpty && chunk.count <= maxBytes)
            out.append(chunk)
        }
        return out
    }

    private func run(_ tool: String, _ args: [String], stdout: URL? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + args
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    // MARK: - Streaming

    @Test func streamingRoundTripAcrossChunkBoundaries() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("a.gz")
        let data = sampleData(count: 3_500_000)
        let summary = try writeGzip(data, to: url)
        #expect(summary.uncompressedBytes == Int64(data.count))
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
        #expect(Int64(size ?? -1) == summary.compressedBytes)
        #expect(summary.sha256 == (try SHA256.hexHash(fileAt: url)))
        #expect(summary.compressedBytes < summary.uncompressedBytes)
        #expect(try readGzip(url) == data)
        #expect(try readGzip(url, maxBytes: 1 << 20) == data)
    }

    @Test func emptyStreamRoundTrips() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("empty.gz")
        let writer = try GzipWriter(fileAt: url)
        let summary = try writer.finish()
        #expect(summary.uncompressedBytes == 0 && summary.compressedBytes > 0)
        #expect(try readGzip(url).isEmpty)
        #expect(try GzipData.decompress(Data(contentsOf: url)).isEmpty)
    }

    @Test func interoperatesWithSystemGzip() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = sampleData(count: 1_200_000, seed: 7)
        // Ours → gzip -dc.
        let ours = dir.appendingPathComponent("ours.gz")
        try writeGzip(data, to: ours)
        let decoded = dir.appendingPathComponent("decoded")
        #expect(try run("gzip", ["-dc", ours.path], stdout: decoded) == 0)
        #expect(try Data(contentsOf: decoded) == data)
        // gzip -c → ours.
        let plain = dir.appendingPathComponent("plain")
        try data.write(to: plain)
        let theirs = dir.appendingPathComponent("theirs.gz")
        #expect(try run("gzip", ["-c", plain.path], stdout: theirs) == 0)
        #expect(try readGzip(theirs) == data)
    }

    @Test func concatenatedMembersAreReadLikeGzip() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = sampleData(count: 1_500_000, seed: 1)
        let second = sampleData(count: 10_000, seed: 2)
        let a = dir.appendingPathComponent("a.gz")
        let b = dir.appendingPathComponent("b.gz")
        try writeGzip(first, to: a)
        try writeGzip(second, to: b)
        let joined = try Data(contentsOf: a) + Data(contentsOf: b)
        let both = dir.appendingPathComponent("both.gz")
        try joined.write(to: both)
        #expect(try readGzip(both) == first + second)
        #expect(try GzipData.decompress(joined) == first + second)
    }

    // MARK: - Errors name the file

    @Test func truncatedFileIsTypedError() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("trunc.gz")
        try writeGzip(sampleData(count: 200_000), to: url)
        let full = try Data(contentsOf: url)
        try full.prefix(full.count / 2).write(to: url)
        let error = #expect(throws: GzipError.self) { try readGzip(url) }
        #expect(error?.code == .truncated)
        #expect(error?.description.contains(url.path) == true)
        let inMemory = #expect(throws: GzipError.self) { try GzipData.decompress(full.prefix(full.count - 3)) }
        #expect(inMemory?.code == .truncated)
    }

    @Test func flippedByteIsCorruptionNamingTheFile() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("flip.gz")
        try writeGzip(sampleData(count: 50_000), to: url)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 6] ^= 0x01  // inside the CRC32 trailer
        try bytes.write(to: url)
        let error = #expect(throws: GzipError.self) { try readGzip(url) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("flip.gz") == true)
        #expect(error?.message.contains("zlib") == true)
    }

    @Test func trailingGarbageAndNonGzipAreRefused() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("garbage.gz")
        let good = try GzipData.compress(Data("hello".utf8))
        try (good + Data("junk".utf8)).write(to: url)
        #expect((#expect(throws: GzipError.self) { try readGzip(url) })?.code == .corrupt)
        #expect((#expect(throws: GzipError.self) {
            try GzipData.decompress(good + Data("junk".utf8))
        })?.code == .corrupt)
        try Data("plain text, not gzip".utf8).write(to: url)
        #expect((#expect(throws: GzipError.self) { try readGzip(url) })?.code == .corrupt)
        try Data().write(to: url)
        #expect((#expect(throws: GzipError.self) { try readGzip(url) })?.code == .truncated)
    }

    @Test func missingFileAndBadLevelAreTypedErrors() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope.gz")
        let error = #expect(throws: GzipError.self) { _ = try GzipReader(fileAt: missing) }
        #expect(error?.code == .io)
        #expect(error?.description.contains("nope.gz") == true)
        #expect((#expect(throws: GzipError.self) {
            _ = try GzipWriter(fileAt: dir.appendingPathComponent("x.gz"), level: 12)
        })?.code == .zlib)
    }

    // MARK: - In memory

    @Test(arguments: [0, 1, 100, 70_000, 700_000])
    func dataRoundTrip(count: Int) throws {
        let data = sampleData(count: count, seed: UInt64(count))
        for level: Int32 in [1, 6, 9] {
            let packed = try GzipData.compress(data, level: level)
            #expect(packed.prefix(2) == Data([0x1f, 0x8b]))
            #expect(try GzipData.decompress(packed) == data)
        }
    }
}
