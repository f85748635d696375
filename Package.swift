// swift-tools-version:6.1
import PackageDescription

/// One settings array applied to every Swift target (swift-log's loop).
let strictSettings: [SwiftSetting] = [
    // SE-0335: `any` spelled out for existentials.
    .enableUpcomingFeature("ExistentialAny"),
    // SE-0444: imports are visible only in the files that write them.
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Portable builds: no `-target-cpu` flag except on `VectorKernelsAVX2`, which `VectorIndex` calls
/// only after checking the CPU's features at run time (see docs/modules/index.md).
#if arch(x86_64)
let avx2Kernels: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", "haswell"]), .define("Q8_AVX2")]
#else
let avx2Kernels: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
    name: "shop-summary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shop-summary", targets: ["shop-summary"]),
        .library(name: "VectorStore", targets: ["VectorStore"]),
        .library(name: "ObjectStore", targets: ["ObjectStore"]),
        .library(name: "Providers", targets: ["Providers"]),
    ],
    targets: [
        // MARK: - C shims (system libraries Debian ships)
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // <sys/statfs.h> from glibc (which filesystem a store lives on: NFS segments are never mapped).
        .systemLibrary(name: "CFileSystem", path: "Sources/CFileSystem"),

        // MARK: - Libraries, lowest first
        .target(name: "CryptoSupport", dependencies: ["CCrypto", "CZlib"]),
        // VectorIndex is optimised even in debug builds: its graph builds and SIMD kernels run
        // 50-100x slower at -Onone, which would make the recall tests take minutes. Portable flag.
        .target(name: "VectorKernels", dependencies: [],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The same source as VectorKernels (a symbolic link), compiled for AVX2 + FMA.
        .target(name: "VectorKernelsAVX2", dependencies: [], swiftSettings: avx2Kernels),
        .target(name: "VectorIndex", dependencies: ["VectorKernels", "VectorKernelsAVX2"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "VectorStore", dependencies: ["VectorIndex", "CryptoSupport", "CSQLite", "CFileSystem", "Observability"],
                exclude: ["README.md"]),
        .target(name: "Observability", dependencies: []),
        // Kept apart so that the store and the tools that link it do not load libcurl at start-up.
        .target(name: "MetricsPush", dependencies: ["Observability"]),
        .target(name: "ObjectStore", dependencies: ["CryptoSupport", "Observability"]),
        .target(name: "Providers", dependencies: ["CryptoSupport", "Observability"]),
        .target(name: "Backup", dependencies: ["ObjectStore", "VectorStore", "CryptoSupport", "CZlib", "Observability"]),
        .target(name: "Pipeline",
                dependencies: ["VectorStore", "Providers", "ObjectStore", "Backup", "Observability", "MetricsPush",
                               "CryptoSupport", "CZlib"]),
        .target(name: "ShopSummaryCLI",
                dependencies: ["Pipeline", "VectorStore", "ObjectStore", "Backup", "Providers",
                               "Observability", "MetricsPush", "CryptoSupport", "VectorIndex"]),
        .executableTarget(name: "shop-summary", dependencies: ["ShopSummaryCLI"]),
        // Benchmark drivers (bench/vectorstore, bench/providers); not shipped.
        // `--as-needed`: a static Foundation autolinks libcurl even when nothing uses it; dropping
        // it saves ~10 ms of dynamic loading in every fresh process (cold-start benchmark).
        .executableTarget(name: "vector-bench", dependencies: ["VectorStore", "VectorIndex"],
                          linkerSettings: [.unsafeFlags(["-Xlinker", "--as-needed"])]),
        .executableTarget(name: "provider-bench", dependencies: ["Providers"]),

        // MARK: - Tests (Swift Testing, one target per module)
        .testTarget(name: "CryptoSupportTests", dependencies: ["CryptoSupport"]),
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex"]),
        .testTarget(name: "VectorStoreTests", dependencies: ["VectorStore", "VectorIndex", "CryptoSupport"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "CryptoSupport", "Observability"]),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "CryptoSupport", "Observability"]),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability", "MetricsPush"]),
        .testTarget(name: "BackupTests", dependencies: ["Backup", "ObjectStore", "VectorStore", "CryptoSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Providers", "VectorStore", "Backup", "ObjectStore"]),
        .testTarget(name: "ShopSummaryCLITests",
                    dependencies: ["ShopSummaryCLI", "Pipeline", "Backup", "ObjectStore", "CryptoSupport",
                                   "Observability", "VectorStore"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
