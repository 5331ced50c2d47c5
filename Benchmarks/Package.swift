// swift-tools-version:6.1
// Tern's micro-benchmarks (ordo-one/benchmark). A package of its own so that the main build and CI
// never compile the benchmark framework; `make bench-parser` runs it.
import PackageDescription

// SwiftPM names a path dependency after its folder, not after its manifest, so the product
// reference must use whatever the repository folder is called on this machine.
let ternPackageIdentity = Context.packageDirectory
    .split(separator: "/").dropLast().last.map { $0.lowercased() } ?? "tern"

let package = Package(
    name: "TernBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        // MallocInterposer counts mallocs without jemalloc; the other default trait pulls a
        // runtime interposer this build does not need.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The benchmark plugin runs executable targets whose folder sits in a folder named
        // "Benchmarks": this package's own folder.
        .executableTarget(
            name: "SIPParser",
            dependencies: [
                .product(name: "SIPCore", package: ternPackageIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "SIPParser",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A routing script run per message (compiled route, pseudo-variables, comparisons,
        // regex matches, xlog at a disabled level).
        .executableTarget(
            name: "ScriptRoute",
            dependencies: [
                .product(name: "SIPCore", package: ternPackageIdentity),
                .product(name: "TernScript", package: ternPackageIdentity),
                .product(name: "TernModules", package: ternPackageIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "ScriptRoute",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
