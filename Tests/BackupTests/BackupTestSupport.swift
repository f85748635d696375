import Foundation
import ObjectStore
import Synchronization
import Testing
@testable import Backup

/// Fixtures shared by the backup suites: temp dirs, sample stores, crafted archives.
enum BackupFixtures {
    static func tempDir(_ label: String = "backup") throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> Data {
        var state = seed &+ 0x9E3779B97F4A7C15
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            out[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        return Data(out)
    }

    /// A folder shaped like a store: two collections with segment files and manifests.
    @discardableResult
    static func makeStore(at dir: URL, seed: UInt64 = 1, segments: Int = 3) throws -> [String: Data] {
        var files: [String: Data] = [:]
        files["FORMAT"] = Data("shop-summary-store 1\n".utf8)
        for collection in ["fine_dining_examples", "waiting_hotplace_examples"] {
            for i in 0..<segments {
                files["collections/\(collection)/segments/seg-\(i).bin"] = bytes(40_000 + i * 1_000, seed: seed + UInt64(i))
            }
            files["collections/\(collection)/manifest-000001.json"] = Data("{\"collection\":\"\(collection)\"}".utf8)
        }
        for (path, data) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        return files
    }

    /// Every regular file under `dir`, keyed by relative path.
    static func contents(of dir: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for path in try DirectoryStoreAdapter().snapshotFiles(in: dir) {
            result[path] = try Data(contentsOf: dir.appendingPathComponent(path))
        }
        return result
    }

    /// Writes a `.tar.gz` with arbitrary (possibly hostile) entries.
    static func craftArchive(at url: URL, entries: [(name: String, type: UInt8, content: Data, link: String)]) throws {
        var writer = try TarWriter(fileAt: url, compressionLevel: 6)
        for entry in entries {
            try writer.addRawEntry(name: entry.name, typeFlag: entry.type, content: entry.content, linkName: entry.link)
        }
        _ = try writer.finish()
    }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let seconds: Mutex<TimeInterval>
    init(_ date: Date) { seconds = Mutex(date.timeIntervalSince1970) }
    var now: Date { Date(timeIntervalSince1970: seconds.withLock { $0 }) }
    func advance(days: Double = 0, seconds extra: TimeInterval = 0) {
        seconds.withLock { $0 += days * 86_400 + extra }
    }
    var function: @Sendable () -> Date { { self.now } }
}

/// A thread-safe boolean for arming fault injectors.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set(_ newValue: Bool) { value.store(newValue, ordering: .relaxed) }
}
