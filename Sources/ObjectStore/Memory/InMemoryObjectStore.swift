import Foundation
import Synchronization

/// An ``ObjectStore`` held in memory, for tests; optionally injects faults.
///
/// Thread-safe (a `Mutex` guards the dictionary). Each operation first calls the optional
/// ``FaultInjector`` so tests can fail, say, the third `put` under `latest/`.
public final class InMemoryObjectStore: ObjectStore {
    /// Operations seen by the fault injector.
    public enum Operation: String, Sendable {
        case put, putFile, get, getFile, head, list, copy, delete
    }

    /// Called before each operation with the key (or prefix / destination key); throw to fail it.
    public typealias FaultInjector = @Sendable (Operation, String) throws -> Void

    private struct Object {
        var data: Data
        var modified: Date
    }

    private let objects = Mutex<[String: Object]>([:])
    private let faults: FaultInjector?
    private let name: String
    private let counters = Mutex<[Operation: Int]>([:])
    private let bytesPut = Atomic<Int64>(0)

    /// Creates an empty store.
    /// - Parameters:
    ///   - name: shown in ``displayURL`` (`memory://name`).
    ///   - faults: optional fault injector.
    public init(name: String = "test", faults: FaultInjector? = nil) {
        self.name = name
        self.faults = faults
    }

    /// `memory://<name>`.
    public var displayURL: String { "memory://\(name)" }

    /// How many times each operation ran (after fault injection passed).
    public func count(of operation: Operation) -> Int { counters.withLock { $0[operation] ?? 0 } }

    /// Total bytes stored by put/putFile/copy since creation.
    public var totalBytesPut: Int64 { bytesPut.load(ordering: .relaxed) }

    /// Sets the modification date of an object (tests of age-based policies).
    public func setModified(_ date: Date, key: String) {
        objects.withLock { $0[key]?.modified = date }
    }

    /// All keys, sorted.
    public var keys: [String] { objects.withLock { $0.keys.sorted() } }

    private func enter(_ operation: Operation, _ key: String) throws {
        try faults?(operation, key)
        counters.withLock { $0[operation, default: 0] += 1 }
    }

    private func store(_ data: Data, key: String) throws {
        guard !key.isEmpty, !key.hasPrefix("/") else {
            throw ObjectStoreError(code: .invalidURL, message: "invalid object key '\(key)' for \(displayURL)")
        }
        objects.withLock { $0[key] = Object(data: data, modified: Date()) }
        bytesPut.add(Int64(data.count), ordering: .relaxed)
    }

    private func notFound(_ key: String) -> ObjectStoreError {
        ObjectStoreError(code: .notFound, message: "object '\(key)' not found in \(displayURL)")
    }

    // MARK: - ObjectStore

    public func put(_ data: Data, key: String) async throws {
        try enter(.put, key)
        try store(data, key: key)
    }

    public func putFile(_ fileURL: URL, key: String) async throws {
        try enter(.putFile, key)
        let data: Data
        do { data = try Data(contentsOf: fileURL) } catch {
            throw ObjectStoreError(code: .io, message: "putFile: cannot read \(fileURL.path)", cause: error)
        }
        try store(data, key: key)
    }

    public func get(key: String) async throws -> Data {
        try enter(.get, key)
        guard let object = objects.withLock({ $0[key] }) else { throw notFound(key) }
        return object.data
    }

    public func getFile(key: String, to fileURL: URL) async throws {
        try enter(.getFile, key)
        guard let object = objects.withLock({ $0[key] }) else { throw notFound(key) }
        do { try object.data.write(to: fileURL, options: .atomic) } catch {
            throw ObjectStoreError(code: .io, message: "getFile: cannot write \(fileURL.path)", cause: error)
        }
    }

    public func head(key: String) async throws -> ObjectInfo? {
        try enter(.head, key)
        return objects.withLock { objects in
            objects[key].map { ObjectInfo(key: key, size: Int64($0.data.count), lastModified: $0.modified) }
        }
    }

    public func list(prefix: String) async throws -> [ObjectInfo] {
        try enter(.list, prefix)
        return objects.withLock { objects in
            objects.filter { $0.key.hasPrefix(prefix) }
                .map { ObjectInfo(key: $0.key, size: Int64($0.value.data.count), lastModified: $0.value.modified) }
                .sorted { $0.key < $1.key }
        }
    }

    public func copy(from sourceKey: String, to destinationKey: String) async throws {
        try enter(.copy, destinationKey)
        guard let object = objects.withLock({ $0[sourceKey] }) else { throw notFound(sourceKey) }
        try store(object.data, key: destinationKey)
    }

    public func delete(keys: [String]) async throws {
        for key in keys { try enter(.delete, key) }
        objects.withLock { objects in for key in keys { objects[key] = nil } }
    }
}
