import CryptoSupport
import Foundation

/// Unpacks a `.tar.gz` backup of a Chroma persist directory into a scratch directory
/// (a minimal, safe ustar/pax reader: regular files and directories only; absolute paths, `..`
/// and links are refused). The archive is only read.
public enum ChromaArchive {
    /// Whether `path` names a gzip'ed tar archive (by extension).
    public static func isArchive(_ path: String) -> Bool {
        path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz")
    }

    /// Extracts `archive` into `directory` and returns the folder holding `chroma.sqlite3`.
    ///
    /// - Throws: ``StorageError`` `.corruptFile` for a damaged archive or unsafe entry names,
    ///   `.missingFile` when no `chroma.sqlite3` is inside, `.io` on write failures.
    public static func extract(_ archive: URL, into directory: URL) throws -> URL {
        var reader = try GzipReader(fileAt: archive)
        let tar = try reader.readToEnd()
        let fm = FileManager.default
        var offset = 0
        var paxPath: String?
        var found: URL?
        func fail(_ why: String) -> StorageError {
            StorageError(code: .corruptFile, message: "\(archive.path): \(why) at byte \(offset) of the tar stream", path: archive.path)
        }
        while offset + 512 <= tar.count {
            let header = tar.subdata(in: offset..<(offset + 512))
            if header.allSatisfy({ $0 == 0 }) { break }
            let stored = field(header, 148, 8).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            var sum = 0
            for (i, b) in header.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
            guard let checksum = Int(stored, radix: 8), checksum == sum else { throw fail("bad header checksum") }
            let sizeText = field(header, 124, 12).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            guard let size = Int(sizeText.isEmpty ? "0" : sizeText, radix: 8), size >= 0 else { throw fail("bad size") }
            let type = header[header.startIndex + 156]
            let dataStart = offset + 512
            guard dataStart + size <= tar.count else { throw fail("truncated entry") }
            let body = tar.subdata(in: dataStart..<(dataStart + size))
            offset = dataStart + (size + 511) / 512 * 512
            var name = field(header, 0, 100)
            let prefix = field(header, 345, 155)
            if !prefix.isEmpty { name = prefix + "/" + name }
            if let p = paxPath {
                name = p
                paxPath = nil
            }
            switch type {
            case UInt8(ascii: "x"):
                paxPath = paxValue(body, key: "path")
                continue
            case UInt8(ascii: "g"):
                continue
            case UInt8(ascii: "0"), 0, UInt8(ascii: "5"):
                break
            default:
                continue  // links, devices: never followed
            }
            let parts = name.split(separator: "/").filter { $0 != "." }
            guard !name.hasPrefix("/"), !parts.contains("..") else { throw fail("unsafe entry name '\(name)'") }
            guard !parts.isEmpty else { continue }
            let target = parts.reduce(directory) { $0.appendingPathComponent(String($1)) }
            do {
                if type == UInt8(ascii: "5") {
                    try fm.createDirectory(at: target, withIntermediateDirectories: true)
                } else {
                    try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try body.write(to: target)
                    if parts.last == "chroma.sqlite3", found == nil { found = target.deletingLastPathComponent() }
                }
            } catch {
                throw StorageError(code: .io, message: "cannot write \(target.path) while unpacking \(archive.path)",
                                   path: target.path, cause: error)
            }
        }
        guard let found else {
            throw StorageError(code: .missingFile, message: "\(archive.path) holds no chroma.sqlite3", path: archive.path)
        }
        return found
    }

    private static func field(_ header: Data, _ start: Int, _ length: Int) -> String {
        let bytes = header[(header.startIndex + start)..<(header.startIndex + start + length)]
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// Reads `key` from pax records (`"<len> key=value\n"`).
    private static func paxValue(_ body: Data, key: String) -> String? {
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let record = line[line.index(after: space)...]
            if record.hasPrefix(key + "=") { return String(record.dropFirst(key.count + 1)) }
        }
        return nil
    }
}
