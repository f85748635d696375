#if canImport(Glibc)
import Glibc
#endif
import VectorKernels
import VectorKernelsAVX2

/// Which compiled copy of the quantised-scan kernel runs on this machine.
///
/// `VectorKernelsAVX2` is built with `-target-cpu haswell` and may use any instruction that CPU
/// has, so it runs only when the kernel reports all of them (Linux hides features the OS does not
/// enable); everything else, and any machine where `/proc/cpuinfo` cannot be read, uses the
/// portable copy. `SHOP_SUMMARY_KERNELS=baseline` forces the portable copy (tests compare both).
public enum KernelSelection: String, Sendable, CaseIterable {
    /// The portable build (SSE2 on x86-64).
    case baseline
    /// The AVX2 + FMA build.
    case avx2

    /// CPU flags (as `/proc/cpuinfo` spells them) that `-target-cpu haswell` code may use.
    static let haswellFlags: Set<String> = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm", "popcnt", "xsave"]

    /// The selection for this process, decided once.
    public static let current: KernelSelection = detect()

    /// Whether this CPU can run `selection`.
    public static func isSupported(_ selection: KernelSelection) -> Bool {
        switch selection {
        case .baseline: return true
        case .avx2: return cpuFlags().isSuperset(of: haswellFlags)
        }
    }

    static func detect() -> KernelSelection {
        if let forced = getenv("SHOP_SUMMARY_KERNELS"), String(cString: forced) == "baseline" { return .baseline }
        return isSupported(.avx2) ? .avx2 : .baseline
    }

    /// The `flags` line of the first processor in `/proc/cpuinfo` (empty when unavailable).
    static func cpuFlags() -> Set<String> {
        #if arch(x86_64) && canImport(Glibc)
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            guard let colon = text.firstIndex(of: ":") else { return [] }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
        }
        return []
        #else
        return []
        #endif
    }

    /// Runs this selection's `Q8Kernel.scan` (see there for the parameters).
    @inline(__always)
    func scan(codes: UnsafeRawPointer, rowCount: Int, stride: Int, signedWeights: UnsafePointer<Int8>,
              offsetWeights: UnsafePointer<UInt16>, codeSums: UnsafePointer<Int32>, minimum: Int32,
              sums: UnsafeMutablePointer<Int32>, hits: UnsafeMutablePointer<Int32>) -> Int {
        switch self {
        case .baseline:
            VectorKernels.Q8Kernel.scan(codes: codes, rowCount: rowCount, stride: stride, signedWeights: signedWeights,
                                        offsetWeights: offsetWeights, codeSums: codeSums, minimum: minimum,
                                        sums: sums, hits: hits)
        case .avx2:
            VectorKernelsAVX2.Q8Kernel.scan(codes: codes, rowCount: rowCount, stride: stride, signedWeights: signedWeights,
                                            offsetWeights: offsetWeights, codeSums: codeSums, minimum: minimum,
                                            sums: sums, hits: hits)
        }
    }
}
