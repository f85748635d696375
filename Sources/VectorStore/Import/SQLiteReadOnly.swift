import CSQLite
import Foundation

/// A read-only, immutable SQLite connection (`?mode=ro&immutable=1`, `SQLITE_OPEN_READONLY`):
/// never writes, never creates journal or WAL files, never takes locks in the source directory.
final class SQLiteReadOnly {
    private var db: OpaquePointer?
    let path: String

    init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StorageError(code: .missingFile, message: "no Chroma database at \(path)", path: path)
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        let uri = "file:\(encoded)?mode=ro&immutable=1"
        let rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(rc)"
            sqlite3_close(db)
            db = nil
            throw StorageError(code: .io, message: "cannot open \(path) read-only: \(message)", path: path)
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
