import CSQLite
import Foundation

/// A read-only SQLite connection to a database that must never be changed.
///
/// - ``Mode/immutable``: the source itself, opened `?mode=ro&immutable=1` with
///   `SQLITE_OPEN_READONLY`: never writes, never creates journal or WAL files, never takes locks
///   in the source directory. SQLite then also ignores a hot journal or a WAL, so callers use it
///   only when neither exists (see ``ChromaImporter``).
/// - ``Mode/privateCopy``: a copy in a private directory, opened read-write so that SQLite rolls
///   back a hot journal or replays a WAL that was copied with it; only the copy changes.
final class SQLiteReadOnly {
    enum Mode { case immutable, privateCopy }

    private var db: OpaquePointer?
    /// The path errors name: the source's, also when a private copy is open.
    let path: String

    /// - Parameter source: the path errors name (default `path`); a private copy names its source.
    init(path: String, mode: Mode = .immutable, source: String? = nil) throws {
        self.path = source ?? path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StorageError(code: .missingFile, message: "no Chroma database at \(self.path)", path: self.path)
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        let uri = mode == .immutable ? "file:\(encoded)?mode=ro&immutable=1" : "file:\(encoded)"
        let flags = mode == .immutable ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        let rc = sqlite3_open_v2(uri, &db, flags | SQLITE_OPEN_URI, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(rc)"
            sqlite3_close(db)
            db = nil
            throw StorageError(code: .io, message: "cannot open \(self.path) read-only: \(message)", path: self.path)
        }
    }

    deinit { sqlite3_close(db) }

    /// One result cell.
    enum Value: Equatable {
        case null, integer(Int64), real(Double), text(String), blob([UInt8])

        var text: String? { if case .text(let s) = self { return s }; return nil }
        var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
    }

    /// Runs `sql` with text bindings and returns every row.
    func rows(_ sql: String, _ bindings: [String] = []) throws -> [[Value]] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else {
            throw error("prepare", sql)
        }
        defer { sqlite3_finalize(stmt) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, b) in bindings.enumerated() { sqlite3_bind_text(stmt, Int32(i + 1), b, -1, transient) }
        var out: [[Value]] = []
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error("step", sql) }
            let n = sqlite3_column_count(stmt)
            out.append((0..<n).map { column(stmt, $0) })
        }
        return out
    }

    /// Names of the tables in the database.
    func tableNames() throws -> Set<String> {
        Set(try rows("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text })
    }

    private func column(_ stmt: OpaquePointer?, _ i: Int32) -> Value {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT: return .text(sqlite3_column_text(stmt, i).map { String(cString: $0) } ?? "")
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    private func error(_ step: String, _ sql: String) -> StorageError {
        let message = String(cString: sqlite3_errmsg(db))
        return StorageError(code: .corruptFile, message: "\(path): \(step) failed for '\(sql.prefix(60))…': \(message)", path: path)
    }
}
