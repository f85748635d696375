import Foundation

/// Reads a Chroma (0.5–1.5) persist directory through its `chroma.sqlite3`, read-only.
///
/// Returns collections with their ids, documents and metadata. Vectors are **not** read (Chroma
/// keeps them in its own HNSW files in a private layout); callers re-embed the documents with
/// the configured embedder. The source is opened with `SQLITE_OPEN_READONLY` and
/// `immutable=1`, so nothing in the directory is created, modified or locked.
///
/// A copy taken while Chroma was writing (or after it crashed) is read as Chroma itself would
/// read it:
/// - a hot `chroma.sqlite3-journal` (an unfinished transaction) or a `chroma.sqlite3-wal` is
///   rolled back or replayed on a private copy of the database (`immutable=1` would ignore it
///   and read half-written pages);
/// - writes Chroma logged in `embeddings_queue` but had not applied yet are replayed
///   (``ChromaPendingWrites``).
public struct ChromaImporter: Sendable {
    /// One record read from Chroma.
    public struct Record: Sendable, Hashable {
        /// The Chroma id.
        public var id: String
        /// The stored document (`chroma:document`), if any.
        public var document: String?
        /// User metadata (Chroma's own `chroma:*` keys removed).
        public var metadata: Metadata
    }

    /// One Chroma collection.
    public struct Collection: Sendable, Hashable {
        /// Collection name.
        public var name: String
        /// Chroma's collection UUID.
        public var chromaID: String
        /// Dimension Chroma recorded (of its vectors, which are not imported).
        public var dimension: Int?
        /// `hnsw:space` (cosine, l2, ip); Chroma's default is l2.
        public var metric: DistanceMetric
        /// Collection metadata as strings (`hnsw:*` keys included).
        public var metadata: [String: String]
        /// Records in Chroma's insertion order (then the replayed writes' new records).
        public var records: [Record]
        /// Logged writes Chroma had not applied yet that the import replayed.
        public var pendingWritesApplied: Int
    }

    /// What ``read()`` found.
    public struct Contents: Sendable, Hashable {
        /// Every collection.
        public var collections: [Collection]
        /// Journal or WAL files (names) that were rolled back or replayed on a private copy.
        public var recoveredFiles: [String]
    }

    /// The persist directory (holding `chroma.sqlite3`).
    public let directory: URL

    /// Creates an importer for `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// Reads every collection.
    ///
    /// - Throws: ``StorageError`` `.missingFile` when there is no `chroma.sqlite3`, `.corruptFile`
    ///   when it is not a Chroma database (missing tables) or SQLite reports damage, `.io` when it
    ///   cannot be opened.
    public func read() throws -> Contents {
        // SQLite keeps the journal next to the file a symbolic link points to: look (and copy) there.
        let path = directory.appendingPathComponent("chroma.sqlite3").resolvingSymlinksInPath().path
        let unfinished = Self.unfinishedSuffixes(of: path)
        var scratch: URL?
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let db: SQLiteReadOnly
        if unfinished.isEmpty {
            db = try SQLiteReadOnly(path: path)
        } else {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("shop-summary-chroma-\(UUID().uuidString)")
            scratch = copy
            try Self.copyForRecovery(path, suffixes: unfinished, into: copy)
            db = try SQLiteReadOnly(path: copy.appendingPathComponent("chroma.sqlite3").path, mode: .privateCopy, source: path)
        }
        let tables = try db.tableNames()
        for needed in ["collections", "segments", "embeddings", "embedding_metadata"] where !tables.contains(needed) {
            throw StorageError(code: .corruptFile, message: "\(path) is not a Chroma database (no table '\(needed)')", path: path)
        }
        let hasCollectionMetadata = tables.contains("collection_metadata")
        let hasLog = tables.contains("embeddings_queue") && tables.contains("max_seq_id")
        var out: [Collection] = []
        for row in try db.rows("SELECT id, name, dimension FROM collections ORDER BY name") {
            guard let id = row[0].text, let name = row[1].text else { continue }
            var meta: [String: String] = [:]
            if hasCollectionMetadata {
                for m in try db.rows("SELECT key, str_value, int_value, float_value FROM collection_metadata WHERE collection_id = ?", [id]) {
                    guard let key = m[0].text else { continue }
                    meta[key] = Self.describe(m[1]) ?? Self.describe(m[2]) ?? Self.describe(m[3]) ?? ""
                }
            }
            let space = try meta["hnsw:space"] ?? Self.spaceFromConfig(db, id)
            let metric = DistanceMetric(rawValue: space ?? "l2") ?? .l2
            var records = try records(db, collection: id)
            var replayed = 0
            if hasLog, let segment = try db.rows("SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'", [id]).first?.first?.text {
                replayed = try ChromaPendingWrites(db, collection: id, metadataSegment: segment).apply(to: &records)
            }
            out.append(Collection(name: name, chromaID: id, dimension: row[2].integer.map { Int($0) }, metric: metric,
                                  metadata: meta, records: records, pendingWritesApplied: replayed))
        }
        let name = (path as NSString).lastPathComponent
        return Contents(collections: out, recoveredFiles: unfinished.map { name + $0 })
    }

    /// Copies the database at `path` and its unfinished files into `copy` as `chroma.sqlite3` with
    /// its journal beside it under the matching name: a folder only this user can read (the copy
    /// holds every document), files writable by this user whatever the source's mode (SQLite must
    /// write the copy to roll back).
    private static func copyForRecovery(_ path: String, suffixes: [String], into copy: URL) throws {
        do {
            try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            for suffix in [""] + suffixes {
                let target = copy.appendingPathComponent("chroma.sqlite3" + suffix)
                try FileManager.default.copyItem(at: URL(fileURLWithPath: path + suffix), to: target)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
            }
        } catch {
            let names = suffixes.map { (path as NSString).lastPathComponent + $0 }.joined(separator: ", ")
            throw StorageError(code: .io, message: "cannot copy \(path) to recover \(names): \(error)", path: path)
        }
    }

    /// Suffixes (`-journal`, `-wal`) of the non-empty files next to the database: a transaction
    /// Chroma did not finish (or a WAL not yet checkpointed).
    static func unfinishedSuffixes(of path: String) -> [String] {
        ["-journal", "-wal"].filter { suffix in
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? NSNumber else { return false }
            return size.intValue > 0
        }
    }

    private func records(_ db: SQLiteReadOnly, collection: String) throws -> [Record] {
        let sql = """
            SELECT e.id, e.embedding_id, m.key, m.string_value, m.int_value, m.float_value, m.bool_value
            FROM embeddings e
            JOIN segments s ON s.id = e.segment_id AND s.scope = 'METADATA'
            LEFT JOIN embedding_metadata m ON m.id = e.id
            WHERE s.collection = ?
            ORDER BY e.id
            """
        var records: [Record] = []
        var lastRow: Int64 = -1
        for r in try db.rows(sql, [collection]) {
            guard let rowID = r[0].integer, let id = r[1].text else { continue }
            if rowID != lastRow {
                records.append(Record(id: id, document: nil, metadata: [:]))
                lastRow = rowID
            }
            guard let key = r[2].text else { continue }
            let value: MetadataValue?
            if let s = r[3].text {
                value = .string(s)
            } else if let b = r[6].integer {
                value = .bool(b != 0)
            } else if let i = r[4].integer {
                value = .int(Int(i))
            } else if case .real(let d) = r[5] {
                value = .double(d)
            } else {
                value = nil
            }
            if key == "chroma:document" {
                if case .string(let s) = value { records[records.count - 1].document = s }
            } else if !key.hasPrefix("chroma:"), let value {
                records[records.count - 1].metadata[key] = value
            }
        }
        return records
    }

    /// Chroma ≥ 1.0 keeps the space in the collection's configuration JSON.
    private static func spaceFromConfig(_ db: SQLiteReadOnly, _ id: String) throws -> String? {
        let columns = try db.rows("SELECT name FROM pragma_table_info('collections')").compactMap { $0.first?.text }
        for column in ["config_json_str", "schema_str"] where columns.contains(column) {
            guard let json = try db.rows("SELECT \(column) FROM collections WHERE id = ?", [id]).first?.first?.text,
                  let range = json.range(of: "\"space\":\"") else { continue }
            let rest = json[range.upperBound...]
            if let end = rest.firstIndex(of: "\"") { return String(rest[..<end]) }
        }
        return nil
    }

    private static func describe(_ v: SQLiteReadOnly.Value) -> String? {
        switch v {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        default: return nil
        }
    }
}
