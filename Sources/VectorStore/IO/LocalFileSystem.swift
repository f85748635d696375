#if canImport(Glibc)
import CFileSystem
import Glibc
#endif

/// Read-only mappings of immutable files, only on filesystems where that is safe.
///
/// A mapped file whose pages are faulted in later must stay readable. On a local filesystem an
/// unlinked file lives until its last mapping goes; on NFS another client's `unlink` (garbage
/// collection on another pod) makes later faults fail with SIGBUS. So only filesystems known to
/// be local are mapped (ext2/3/4, XFS, Btrfs, tmpfs, overlayfs); NFS, FUSE and anything unknown
/// are read with `read(2)`. `SHOP_SUMMARY_DB_NO_MMAP=1` turns mapping off everywhere.
enum LocalFileSystem {
    /// `statfs` magic numbers of local filesystems (linux/magic.h).
    static let localMagics: Set<Int> = [
        0xEF53,  // ext2/ext3/ext4
        0x5846_5342,  // XFS
        0x9123_683E,  // Btrfs
        0x0102_1994,  // tmpfs
        0x794C_7630,  // overlayfs (container root filesystems)
    ]

    static let disabled: Bool = getenv("SHOP_SUMMARY_DB_NO_MMAP").map { String(cString: $0) == "1" } ?? false

    /// Whether the filesystem holding `fd` is known to be local.
    static func isLocal(fd: Int32) -> Bool {
        #if canImport(Glibc)
        var info = statfs()
        guard fstatfs(fd, &info) == 0 else { return false }
        return localMagics.contains(Int(info.f_type))
        #else
        return false
        #endif
    }

    /// Maps `bytes` bytes of `fd` read-only with every page faulted in, or nil when the file is not
    /// on a local filesystem, mapping is disabled or fails (the caller then reads the file).
    static func map(fd: Int32, bytes: Int) -> UnsafeRawBufferPointer? {
        #if canImport(Glibc)
        guard !disabled, bytes > 0, isLocal(fd: fd) else { return nil }
        let p = mmap(nil, bytes, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: bytes)
        #else
        return nil
        #endif
    }

    static func unmap(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        munmap(UnsafeMutableRawPointer(mutating: base), buffer.count)
    }
}
