import Foundation

/// Writes that Chroma logged in `embeddings_queue` but had not yet applied to the collection's
/// metadata segment (sequence numbers above the segment's `max_seq_id`): a copy taken while
/// Chroma was writing, or after it crashed, holds them. Chroma replays them when it next opens
/// the directory, so the import replays them too, with Chroma's semantics (checked against
/// chromadb 1.5.9 in tests/python/test_import_chroma.py):
///
/// - `ADD` (0) inserts a record unless the id exists (then it is ignored);
/// - `UPDATE` (1) merges metadata into an existing record (a `null` value removes the key;
///   `chroma:document` replaces the document) and is ignored for an unknown id;
/// - `UPSERT` (2) is `UPDATE` for an existing id and `ADD` otherwise;
/// - `DELETE` (3) removes the record.
struct ChromaPendingWrites {
    enum Operation: Int64 {
        case add = 0, update = 1, upsert = 2, delete = 3
    }

    /// One logged write.
    struct Write {
        var sequence: Int64
        var operation: Operation
        var id: String
        /// Parsed `metadata` JSON; nil when the column is NULL (a delete).
        var fields: [(String, JSONValue)]?
    }

    let writes: [Write]

    /// Reads the writes logged for `collection` after `metadataSegment`'s `max_seq_id` (the caller
    /// checks that `embeddings_queue` and `max_seq_id` exist).
    ///
    /// - Throws: ``StorageError`` `.corruptFile` naming the database and the sequence number when
    ///   a logged write has an unknown operation or metadata that is not a JSON object.
    init(_ db: SQLiteReadOnly, collection: String, metadataSegment: String) throws {
        let applied = try Self.appliedSequence(db, segment: metadataSegment)
        let sql = """
            SELECT seq_id, operation, id, metadata FROM embeddings_queue
            WHERE topic LIKE ? AND seq_id > \(applied) ORDER BY seq_id
            """
        var writes: [Write] = []
        for row in try db.rows(sql, ["%/" + collection]) {
            guard let sequence = row[0].integer, let id = row[2].text else { continue }
            guard let code = row[1].integer, let operation = Operation(rawValue: code) else {
                throw StorageError(code: .corruptFile, message: "\(db.path): embeddings_queue write \(sequence) has an unknown operation",
                                   path: db.path)
            }
            var fields: [(String, JSONValue)]?
            if let text = row[3].text {
                guard case .object(let members)? = try? JSONValue(parsing: text) else {
                    throw StorageError(code: .corruptFile,
                                       message: "\(db.path): embeddings_queue write \(sequence) has metadata that is not a JSON object",
                                       path: db.path)
                }
                fields = members
            }
            writes.append(Write(sequence: sequence, operation: operation, id: id, fields: fields))
        }
        self.writes = writes
    }

    /// `max_seq_id` of a segment: an integer in Chroma ≥ 0.5, eight big-endian bytes before; 0
    /// when the segment has applied nothing yet.
    private static func appliedSequence(_ db: SQLiteReadOnly, segment: String) throws -> Int64 {
        guard let value = try db.rows("SELECT seq_id FROM max_seq_id WHERE segment_id = ?", [segment]).first?.first else {
            return 0
        }
        switch value {
        case .integer(let i): return i
        case .blob(let bytes) where bytes.count <= 8:
            return bytes.reduce(Int64(0)) { $0 << 8 | Int64($1) }
        default:
            throw StorageError(code: .corruptFile, message: "\(db.path): max_seq_id of segment \(segment) is not a sequence number",
                               path: db.path)
        }
    }

    /// Replays the writes on `records` (in order) and returns how many changed something.
    func apply(to records: inout [ChromaImporter.Record]) -> Int {
        var index: [String: Int] = [:]
        for (i, r) in records.enumerated() { index[r.id] = i }
        var removed = Set<Int>()
        var changed = 0
        for write in writes {
            let existing = index[write.id]
            switch (write.operation, existing) {
            case (.add, nil), (.upsert, nil):
                var record = ChromaImporter.Record(id: write.id, document: nil, metadata: [:])
                Self.merge(write.fields ?? [], into: &record)
                index[write.id] = records.count
                records.append(record)
            case (.update, let i?), (.upsert, let i?):
                Self.merge(write.fields ?? [], into: &records[i])
            case (.delete, let i?):
                removed.insert(i)
                index[write.id] = nil
            case (.add, _?), (.update, nil), (.delete, nil):
                continue
            }
            changed += 1
        }
        if !removed.isEmpty {
            records = records.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        }
        return changed
    }

    /// Chroma's update: each key replaces the old value, `null` removes it, `chroma:document` is
    /// the document; other `chroma:` keys and non-scalar values are not user metadata.
    private static func merge(_ fields: [(String, JSONValue)], into record: inout ChromaImporter.Record) {
        for (key, value) in fields {
            if key == "chroma:document" {
                switch value {
                case .string(let s): record.document = s
                case .null: record.document = nil
                default: break
                }
                continue
            }
            guard !key.hasPrefix("chroma:") else { continue }
            switch value {
            case .null: record.metadata[key] = nil
            case .string(let s): record.metadata[key] = .string(s)
            case .int(let i): record.metadata[key] = .int(i)
            case .double(let d): record.metadata[key] = .double(d)
            case .bool(let b): record.metadata[key] = .bool(b)
            case .array, .object: break
            }
        }
    }
}
