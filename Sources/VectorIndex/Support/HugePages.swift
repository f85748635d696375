#if canImport(Glibc)
import Glibc
#endif

/// Backs large float arrays with transparent huge pages where the OS allows it.
///
/// Scans and graph walks over tens of MB touch thousands of 4 KiB pages; under virtualisation
/// every TLB miss is a two-level page walk. With THP in `madvise` mode (the usual default),
/// memory must ask for huge pages *before* it is first touched; NumPy does this for every large
/// array. Measured on the review embeddings (16k × 384): see docs/BENCHMARKS.md.
public enum HugePages {
    /// Allocations at least this large are advised.
    public static let threshold = 4 << 20

    /// A copy of `values` in freshly allocated memory advised for huge pages (Linux), or
    /// `values` itself when small or elsewhere.
    public static func advisedCopy(_ values: [Float]) -> [Float] {
        advisedCopy(of: values.count) { dst in
            values.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                d.update(from: s, count: src.count)
            }
        } ?? values
    }

    /// An array of `count` floats whose memory is advised for huge pages before `fill`
    /// initialises every element; nil when below ``threshold`` or unsupported.
    public static func advisedCopy(of count: Int, fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float]? {
        #if canImport(Glibc)
        guard count * 4 >= threshold else { return nil }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { advise(UnsafeMutableRawPointer(base), bytes: count * 4) }
            fill(buffer)
            initialized = count
        }
        #else
        return nil
        #endif
    }

    /// Asks for huge pages on the 2 MiB-aligned part of `[pointer, pointer + bytes)`.
    public static func advise(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        #if canImport(Glibc)
        let huge = 2 << 20
        let start = (Int(bitPattern: pointer) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: pointer) + bytes) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, 14)  // MADV_HUGEPAGE
        #endif
    }
}
