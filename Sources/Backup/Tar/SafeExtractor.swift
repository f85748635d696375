import CryptoSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Extracts a `.tar.gz` into an empty directory, refusing anything that could escape it.
///
/// Refused (``BackupError`` `.unsafeEntry`, naming the entry): absolute paths, `..` segments,
/// symbolic and hard links (a store archive never contains links; the message says when the
/// target would leave the directory), device files and FIFOs, duplicate paths, entries outside
/// the expected root folder, and unknown entry types. Files are created with `O_EXCL|O_NOFOLLOW`,
/// mode 0644, fsync'd, and hashed while written. Nothing is ever written outside `directory`.
struct SafeExtractor {
    /// One extracted regular file.
    struct ExtractedFile: Sendable, Hashable {
        /// Path relative to the target directory.
        var path: String
        var size: Int64
        var sha256: String
    }

    /// The top-level folder every entry must live in (stripped on extraction), or nil.
    var root: String?

    /// Extracts `archive` into `directory` (created if missing; must be empty).
    /// - Returns: the regular files written, sorted by path.
    func extract(archive: URL, into directory: URL) throws -> [ExtractedFile] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard existing.isEmpty else {
            throw BackupError(code: .invalidArgument, message: "extraction target \(directory.path) is not empty")
        }
        var reader = try TarReader(fileAt: archive)
        var files: [ExtractedFile] = []
        var seen = Set<String>()
        var directories = Set<String>([""])
        while let entry = try reader.next() {
            guard let relative = try safeRelativePath(entry) else { continue }
            switch entry.kind {
            case .directory:
                try makeDirectories(relative, in: directory, known: &directories)
            case .regular, .contiguous:
                guard seen.insert(relative).inserted else { throw BackupError.unsafe(entry.name, "duplicate entry") }
                let parent = relative.split(separator: "/").dropLast().joined(separator: "/")
                try makeDirectories(parent, in: directory, known: &directories)
                files.append(try writeFile(entry, relative: relative, in: directory, reader: &reader))
            case .symbolicLink, .hardLink:
                let escapes = linkEscapes(entry, relative: relative)
                let what = entry.kind == .symbolicLink ? "symbolic link" : "hard link"
                throw BackupError.unsafe(entry.name, "\(what) to '\(entry.linkName)'"
                    + (escapes ? " points outside the target directory" : " (store archives never contain links)"))
            case .characterDevice, .blockDevice, .fifo:
                throw BackupError.unsafe(entry.name, "device files and FIFOs are not allowed")
            default:
                throw BackupError.unsafe(entry.name, "unsupported entry type 0x\(String(entry.typeFlag, radix: 16))")
            }
        }
        for dir in directories.sorted(by: { $0.count > $1.count }) {
            try Self.fsyncDirectory(dir.isEmpty ? directory.path : directory.appendingPathComponent(dir).path)
        }
        return files.sorted { $0.path < $1.path }
    }

    // MARK: - Path checks

    /// The entry's path relative to the target (root folder stripped), nil for the root itself.
    func safeRelativePath(_ entry: TarEntry) throws -> String? {
        let name = entry.name
        guard !name.isEmpty else { throw BackupError.unsafe(name, "empty name") }
        guard !name.hasPrefix("/") else { throw BackupError.unsafe(name, "absolute path") }
        guard !name.utf8.contains(0) else { throw BackupError.unsafe(name, "NUL in name") }
        var segments = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !segments.contains("..") else { throw BackupError.unsafe(name, "path contains '..'") }
        segments.removeAll { $0 == "." }
        if let root {
            guard segments.first == root else {
                throw BackupError.unsafe(name, "outside the archive's root folder '\(root)/'")
            }
            segments.removeFirst()
        }
        return segments.isEmpty ? nil : segments.joined(separator: "/")
    }

    /// Whether a link's target, resolved lexically from the entry's folder, leaves the target dir.
    func linkEscapes(_ entry: TarEntry, relative: String) -> Bool {
        if entry.linkName.hasPrefix("/") { return true }
        var depth = entry.kind == .symbolicLink ? relative.split(separator: "/").count - 1 : 0
        if entry.kind == .hardLink, root != nil { depth = 1 }  // hard links are archive-root relative
        for segment in entry.linkName.split(separator: "/") {
            if segment == ".." { depth -= 1 } else if segment != "." { depth += 1 }
            if depth < 0 { return true }
        }
        return false
    }

    // MARK: - Writing

    private func makeDirectories(_ relative: String, in directory: URL, known: inout Set<String>) throws {
        guard !relative.isEmpty, !known.contains(relative) else { return }
        var path = ""
        for segment in relative.split(separator: "/") {
            path = path.isEmpty ? String(segment) : path + "/" + segment
            if known.contains(path) { continue }
            let full = directory.appendingPathComponent(path).path
            if mkdir(full, 0o755) != 0 {
                let code = errno
                var info = stat()
                // An existing real directory is fine; anything else (file, link) is not.
                guard code == EEXIST, lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw BackupError.unsafe(relative, "cannot create directory (\(String(cString: strerror(code))))")
                }
            }
            known.insert(path)
        }
    }

    private func writeFile(_ entry: TarEntry, relative: String, in directory: URL,
                           reader: inout TarReader) throws -> ExtractedFile {
        let path = directory.appendingPathComponent(relative).path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw BackupError.unsafe(entry.name, "path already exists") }
            throw BackupError.io("create", path: path, errno: code)
        }
        defer { close(fd) }
        var hasher = SHA256()
        var written: Int64 = 0
        try reader.readContent { chunk in
            hasher.update(chunk)
            var offset = 0
            while offset < chunk.count {
                let n = write(fd, chunk.baseAddress.map { $0 + offset }, chunk.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BackupError.io("write", path: path, errno: errno)
                }
                offset += n
            }
            written += Int64(chunk.count)
        }
        guard fsync(fd) == 0 else { throw BackupError.io("fsync", path: path, errno: errno) }
        return ExtractedFile(path: relative, size: written, sha256: Hex.encode(hasher.finalize()))
    }

    static func fsyncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError.io("open", path: path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw BackupError.io("fsync", path: path, errno: errno) }
    }
}
