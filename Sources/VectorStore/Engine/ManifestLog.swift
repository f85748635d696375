import Foundation

/// The numbered manifests of one collection: discovery of the newest version, reading, and
/// publishing version N+1 by exclusive create (`link(2)`), never by locking.
struct ManifestLog: Sendable {
    /// `<store>/collections/<name>`.
    let directory: String
    var manifestsDirectory: String { directory + "/manifests" }
    var dataDirectory: String { directory + "/data" }

    static let prefix = "m-"
    static let suffix = ".manifest"

    func path(version: Int) -> String {
        manifestsDirectory + "/" + Self.name(version: version)
    }

    static func name(version: Int) -> String {
        let digits = String(version)
        return prefix + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    static func version(ofName name: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        return Int(name.dropFirst(prefix.count).dropLast(suffix.count))
    }

    /// Creates the collection's folders (idempotent; concurrent callers are fine).
    func prepare() throws {
        try POSIXFile.makeDirectories(manifestsDirectory)
        try POSIXFile.makeDirectories(dataDirectory)
    }

    /// All manifest versions present, ascending.
    func listVersions() throws -> [Int] {
        try POSIXFile.list(manifestsDirectory).compactMap(Self.version(ofName:)).sorted()
    }

    /// The newest version: a directory listing, then probing upward (a listing may be stale on NFS).
    func latestVersion() throws -> Int? {
        guard let listed = try listVersions().last else { return nil }
        return probe(from: listed)
    }

    /// Starting from a version known to exist, the highest version reachable by probing upward.
    func probe(from version: Int) -> Int {
        var v = version
        while POSIXFile.exists(path(version: v + 1)) { v += 1 }
        return v
    }

    /// Reads and verifies one manifest.
    func read(version: Int) throws -> Manifest {
        let p = path(version: version)
        let bytes = try POSIXFile.readAll(p, maxBytes: 256 << 20)
        let m = try Manifest.decode(bytes, path: p)
        guard m.version == version else { throw StorageError.corrupt(p, "manifest says version \(m.version)") }
        return m
    }

    /// Publishes `manifest` as its version by exclusive create.
    /// - Returns: false when that version already exists (another writer won).
    func publish(_ manifest: Manifest) throws -> Bool {
        try AtomicFile.publish(try manifest.encoded(), to: path(version: manifest.version), exclusive: true)
    }

    /// Removes a manifest this process just published but that turned out to be out of order.
    func retract(version: Int) throws {
        try POSIXFile.remove(path(version: version))
        try POSIXFile.syncDirectory(manifestsDirectory)
    }
}
