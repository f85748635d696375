import CryptoSupport
import Foundation

/// Persistent embedding cache keyed by (provider, model, dimension, sha256(task ‖ text)).
///
/// Layout: `<directory>/<provider>_<model>_<dim>/seg-<unique>.ecache`. Each process appends only to
/// its own segment file (safe on NFS, where `O_APPEND` from several clients is not atomic) and
/// reads every segment of its descriptor at open. A record is
/// `magic "EMB1" | u32 dim | 32-byte sha256(text) | dim × f32 LE | 8-byte checksum`, the checksum
/// being the first 8 bytes of SHA-256 over everything before it. Reading stops at the first torn
/// or damaged record of a segment (a crash mid-append loses at most that record).
public actor EmbeddingCache {
    private static let magic: [UInt8] = Array("EMB1".utf8)
    private let descriptor: EmbedderDescriptor
    private let folder: URL
    private var vectors: [Data: [Float]] = [:]
    private var handle: FileHandle?
    private let segmentName: String
    /// Records skipped as torn or damaged while loading.
    public private(set) var damagedRecords = 0

    /// Opens (creating when needed) the cache for `descriptor` under `directory`.
    /// - Throws: ``ProviderError`` `.io` naming the directory when it cannot be created or read.
    public init(directory: URL, descriptor: EmbedderDescriptor) throws {
        self.descriptor = descriptor
        let safe = "\(descriptor.provider)_\(descriptor.model)_\(descriptor.dimension)"
            .map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        folder = directory.appendingPathComponent(String(safe), isDirectory: true)
        segmentName = "seg-\(Int(Date().timeIntervalSince1970))-\(UUID().uuidString.prefix(8)).ecache"
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ProviderError(code: .io, message: "cannot create embedding cache directory \(folder.path)")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var loaded: [Data: [Float]] = [:]
        var damaged = 0
        for name in files.sorted() where name.hasSuffix(".ecache") {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            damaged += Self.parse(data, dimension: descriptor.dimension, into: &loaded)
        }
        vectors = loaded
        damagedRecords = damaged
    }

    /// Number of cached vectors.
    public var count: Int { vectors.count }

    /// The key: SHA-256 of the text, prefixed by the task because remote models embed queries and
    /// documents differently.
    public static func key(for text: String, task: EmbeddingTask) -> Data {
        Data(SHA256.hash(task.rawValue + "\u{0}" + text))
    }

    /// Cached vector for `text`, if any.
    public func vector(for text: String, task: EmbeddingTask) -> [Float]? { vectors[Self.key(for: text, task: task)] }

    /// Stores vectors (appending them to this process's segment and syncing it).
    /// - Throws: ``ProviderError`` `.io` when the segment cannot be written.
    public func store(_ pairs: [(text: String, vector: [Float])], task: EmbeddingTask) throws {
        var blob = Data()
        for (text, vector) in pairs where vector.count == descriptor.dimension {
            let key = Self.key(for: text, task: task)
            guard vectors[key] == nil else { continue }
            vectors[key] = vector
            blob.append(Self.encode(key: key, vector: vector))
        }
        guard !blob.isEmpty else { return }
        let file = folder.appendingPathComponent(segmentName)
        do {
            if handle == nil {
                _ = FileManager.default.createFile(atPath: file.path, contents: nil)
                handle = try FileHandle(forWritingTo: file)
                try handle?.seekToEnd()
            }
            try handle?.write(contentsOf: blob)
            try handle?.synchronize()
        } catch {
            throw ProviderError(code: .io, message: "cannot append to embedding cache \(file.path)")
        }
    }

    /// Closes the segment.
    public func close() {
        try? handle?.close()
        handle = nil
    }

    // MARK: - Format

    static func encode(key: Data, vector: [Float]) -> Data {
        var record = Data(magic)
        var dim = UInt32(vector.count).littleEndian
        withUnsafeBytes(of: &dim) { record.append(contentsOf: $0) }
        record.append(key)
        for value in vector {
            var bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { record.append(contentsOf: $0) }
        }
        record.append(contentsOf: SHA256.hash(record).prefix(8))
        return record
    }

    /// Parses records into `out`; returns the number of damaged/torn records (0 or 1 per segment).
    static func parse(_ data: Data, dimension: Int, into out: inout [Data: [Float]]) -> Int {
        let bytes = [UInt8](data)
        let size = 4 + 4 + 32 + dimension * 4 + 8
        var offset = 0
        while offset < bytes.count {
            guard offset + size <= bytes.count, Array(bytes[offset..<offset + 4]) == magic else { return 1 }
            let dim = Int(UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8
                              | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 24)
            let body = bytes[offset..<offset + size - 8]
            guard dim == dimension, Array(SHA256.hash(Data(body)).prefix(8)) == Array(bytes[offset + size - 8..<offset + size]) else {
                return 1
            }
            let key = Data(bytes[offset + 8..<offset + 40])
            var vector = [Float](repeating: 0, count: dim)
            for i in 0..<dim {
                let p = offset + 40 + i * 4
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                vector[i] = Float(bitPattern: bits)
            }
            out[key] = vector
            offset += size
        }
        return 0
    }
}

/// An ``Embedder`` that answers from an ``EmbeddingCache`` and embeds only the misses.
public struct CachingEmbedder: Embedder {
    /// The wrapped embedder.
    public let base: any Embedder
    /// The cache (same descriptor as `base`).
    public let cache: EmbeddingCache

    /// Wraps `base` with a cache stored under `directory`.
    public init(base: any Embedder, directory: URL) throws {
        self.base = base
        cache = try EmbeddingCache(directory: directory, descriptor: base.descriptor)
    }

    public var descriptor: EmbedderDescriptor { base.descriptor }

    public func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]] {
        var result = [[Float]?](repeating: nil, count: texts.count)
        var missing: [Int] = []
        var seen: [String: Int] = [:]
        for (i, text) in texts.enumerated() {
            if let hit = await cache.vector(for: text, task: task) {
                result[i] = hit
            } else if seen[text] == nil {
                seen[text] = i
                missing.append(i)
            }
        }
        if !missing.isEmpty {
            let fresh = try await base.embed(missing.map { texts[$0] }, task: task)
            try await cache.store(zip(missing, fresh).map { (texts[$0.0], $0.1) }, task: task)
            for (i, vector) in zip(missing, fresh) { result[i] = vector }
        }
        var out: [[Float]] = []
        out.reserveCapacity(texts.count)
        for (i, text) in texts.enumerated() {
            if let v = result[i] { out.append(v) } else if let first = seen[text], let v = result[first] { out.append(v) }
        }
        return out
    }
}
