import Foundation
import ObjectStore
import Testing

/// The same behaviour checks run against every local implementation of ``ObjectStore``.
@Suite("ObjectStore conformance (file:// and memory)")
struct ObjectStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case local, memory
        var testDescription: String { rawValue }
    }

    /// A store plus the temp directory to remove afterwards.
    private func makeStore(_ kind: Kind) throws -> (any ObjectStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("os-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        switch kind {
        case .local: return (LocalObjectStore(rootURL: dir.appendingPathComponent("root")), dir)
        case .memory: return (InMemoryObjectStore(), dir)
        }
    }

    @Test(arguments: Kind.allCases)
    func putGetHeadListCopyDelete(kind: Kind) async throws {
        let (store, dir) = try makeStore(kind)
        defer { try? FileManager.default.removeItem(at: dir) }

        try await store.put(Data("one".utf8), key: "b/20261201_020000/manifest.json")
        try await store.put(Data("two!".utf8), key: "b/latest/manifest.json")
        try await store.put(Data("zzz".utf8), key: "c/other")
        #expect(try await store.get(key: "b/latest/manifest.json") == Data("two!".utf8))
        #expect(try await store.head(key: "b/latest/manifest.json")?.size == 4)
        #expect(try await store.head(key: "b/missing") == nil)

        let listed = try await store.list(prefix: "b/").map(\.key)
        #expect(listed == ["b/20261201_020000/manifest.json", "b/latest/manifest.json"])
        #expect(try await store.list(prefix: "").count == 3)

        // Replace is whole-object.
        try await store.put(Data("three".utf8), key: "b/latest/manifest.json")
        #expect(try await store.get(key: "b/latest/manifest.json") == Data("three".utf8))

        try await store.copy(from: "c/other", to: "b/copied")
        #expect(try await store.get(key: "b/copied") == Data("zzz".utf8))

        try await store.delete(keys: ["b/copied", "b/never-existed"])
        #expect(try await store.head(key: "b/copied") == nil)
        #expect(try await store.list(prefix: "b/").count == 2)
    }

    @Test(arguments: Kind.allCases)
    func missingObjectIsNotFound(kind: Kind) async throws {
        let (store, dir) = try makeStore(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = await #expect(throws: ObjectStoreError.self) { _ = try await store.get(key: "nope/x") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("nope/x") == true)
        let copyError = await #expect(throws: ObjectStoreError.self) {
            try await store.copy(from: "nope/x", to: "y")
        }
        #expect(copyError?.code == .notFound)
    }

    @Test(arguments: Kind.allCases)
    func filesStreamInAndOut(kind: Kind) async throws {
        let (store, dir) = try makeStore(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("big.bin")
        let payload = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) })
        try payload.write(to: source)
        try await store.putFile(source, key: "x/2026/big.bin")
        #expect(try await store.head(key: "x/2026/big.bin")?.size == Int64(payload.count))
        let back = dir.appendingPathComponent("out/back.bin")
        try FileManager.default.createDirectory(at: back.deletingLastPathComponent(), withIntermediateDirectories: true)
        try await store.getFile(key: "x/2026/big.bin", to: back)
        #expect(try Data(contentsOf: back) == payload)
    }
}

@Suite("LocalObjectStore")
struct LocalObjectStoreTests {
    private func makeDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("local-os-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func keysCannotLeaveTheRoot() async throws {
        let dir = try makeDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = LocalObjectStore(rootURL: dir.appendingPathComponent("root"))
        for key in ["../escape", "a/../../escape", "/etc/passwd", "", "a//b", "./a"] {
            let error = await #expect(throws: ObjectStoreError.self) { try await store.put(Data("x".utf8), key: key) }
            #expect(error?.code == .invalidURL)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escape").path))
    }

    @Test func tempFilesAreInvisibleAndNothingIsLeftBehind() async throws {
        let dir = try makeDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = dir.appendingPathComponent("root")
        let store = LocalObjectStore(rootURL: root)
        try await store.put(Data("v1".utf8), key: "p/a")
        // A crashed writer's leftover temp file must not show up as an object.
        try Data("partial".utf8).write(to: root.appendingPathComponent("p/.tmp-1234-a"))
        #expect(try await store.list(prefix: "").map(\.key) == ["p/a"])
        try await store.put(Data("v2".utf8), key: "p/a")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("p").path)
        #expect(names.sorted() == [".tmp-1234-a", "a"])
        #expect(try String(contentsOf: root.appendingPathComponent("p/a"), encoding: .utf8) == "v2")
    }

    @Test func deleteRemovesEmptyDirectories() async throws {
        let dir = try makeDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = dir.appendingPathComponent("root")
        let store = LocalObjectStore(rootURL: root)
        try await store.put(Data("x".utf8), key: "20261201_020000/archive.tar.gz")
        try await store.put(Data("y".utf8), key: "keep/me")
        try await store.delete(keys: ["20261201_020000/archive.tar.gz"])
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("20261201_020000").path))
        #expect(FileManager.default.fileExists(atPath: root.path))
        #expect(try await store.list(prefix: "").map(\.key) == ["keep/me"])
    }

    @Test func missingSourceFileIsIOError() async throws {
        let dir = try makeDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = LocalObjectStore(rootURL: dir)
        let error = await #expect(throws: ObjectStoreError.self) {
            try await store.putFile(dir.appendingPathComponent("absent"), key: "k")
        }
        #expect(error?.message.contains("absent") == true)
    }
}

@Suite("InMemoryObjectStore")
struct InMemoryObjectStoreTests {
    struct Injected: Error {}

    @Test func faultInjectorFailsChosenOperations() async throws {
        let store = InMemoryObjectStore(faults: { op, key in
            if op == .put && key.hasPrefix("latest/") { throw Injected() }
        })
        try await store.put(Data("a".utf8), key: "20261201_020000/a")
        await #expect(throws: Injected.self) { try await store.put(Data("b".utf8), key: "latest/a") }
        #expect(store.keys == ["20261201_020000/a"])
        #expect(store.count(of: .put) == 1)
        #expect(store.totalBytesPut == 1)
    }
}

@Suite("LocalObjectStore atomicity")
struct LocalObjectStoreAtomicityTests {
    /// Readers racing a writer that keeps replacing a 2 MiB object only ever see a whole version.
    @Test func readersNeverSeePartialObjects() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = LocalObjectStore(rootURL: dir)
        let versions = (0..<4).map { Data(repeating: UInt8($0 + 1), count: 2 << 20) }
        try await store.put(versions[0], key: "latest/manifest.json")
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for round in 0..<12 { try await store.put(versions[round % 4], key: "latest/manifest.json") }
                return 0
            }
            for _ in 0..<2 {
                group.addTask {
                    var torn = 0
                    for _ in 0..<40 {
                        let data = try await store.get(key: "latest/manifest.json")
                        if !versions.contains(data) { torn += 1 }
                    }
                    return torn
                }
            }
            var torn = 0
            for try await count in group { torn += count }
            #expect(torn == 0)
        }
    }
}
