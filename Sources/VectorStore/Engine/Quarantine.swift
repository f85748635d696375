import Foundation

/// Two-phase deletion of a collection's data files (docs/FORMAT.md §7.4).
///
/// Garbage collection never unlinks a data file it has just judged unreferenced and old: it
/// renames it to `.gc-<milliseconds since 1970>-<name>` (quarantine) and deletes a quarantined
/// file only in a later run, a grace period after the rename, if no manifest names it by then.
/// Whoever needs a quarantined file renames it back: the writer that published a manifest naming
/// it (a commit that raced with the collector: its claim touched the file after the collector's
/// `stat`, its publish came before the rename), a reader whose manifest names it, `verify`, and
/// the next collection run. So no interleaving of collector and writer loses a committed file.
enum Quarantine {
    static let prefix = ".gc-"

    /// The quarantine name of data file `name` (a bare name inside `data/`) at `time` (seconds).
    static func name(for name: String, at time: Double) -> String {
        prefix + String(Int64((time * 1000).rounded(.down))) + "-" + name
    }

    /// The quarantine time (seconds) and the original bare name, or nil for other names.
    static func parse(_ name: String) -> (time: Double, original: String)? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), let millis = Int64(rest[..<dash]) else { return nil }
        let original = String(rest[rest.index(after: dash)...])
        return original.isEmpty ? nil : (Double(millis) / 1000, original)
    }
}

extension ManifestLog {
    /// Renames data file `name` (bare) into quarantine. A file already gone is not an error.
    func quarantine(_ name: String, now: Double) throws {
        let from = dataDirectory + "/" + name
        let to = dataDirectory + "/" + Quarantine.name(for: name, at: now)
        if Foundation.rename(from, to) != 0 {
            let err = errno
            if err == ENOENT { return }
            throw StorageError.syscall("rename", path: from, errno: err)
        }
    }

    /// Renames a quarantined copy of `file` (`data/<name>`, as manifests name it) back.
    /// - Returns: whether `file` exists afterwards.
    @discardableResult
    func restoreFromQuarantine(_ file: String) throws -> Bool {
        let path = directory + "/" + file
        if POSIXFile.exists(path) { return true }
        guard file.hasPrefix("data/") else { return false }
        let name = String(file.dropFirst("data/".count))
        let copies = try POSIXFile.list(dataDirectory).filter { Quarantine.parse($0)?.original == name }
        for copy in copies.sorted() {
            if Foundation.rename(dataDirectory + "/" + copy, path) == 0 { return true }
            if POSIXFile.exists(path) { return true }  // another process restored it first
        }
        return POSIXFile.exists(path)
    }

    /// Runs `body`; when it fails because `file` is missing and a quarantined copy exists, puts
    /// the copy back and runs `body` once more.
    func restoringIfQuarantined<T>(_ file: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StorageError where error.code == .missingFile {
            guard try restoreFromQuarantine(file) else { throw error }
            return try body()
        }
    }
}
