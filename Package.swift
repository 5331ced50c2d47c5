// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
        .library(name: "SIPCore", targets: ["SIPCore"]),
        .library(name: "TernScript", targets: ["TernScript"]),
        .library(name: "TernRuntime", targets: ["TernRuntime"]),
        .library(name: "TernModules", targets: ["TernModules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // SIP/HTTP messages from bytes: lazy header index, typed views, edit list, serializer.
        .target(name: "SIPCore"),
        // Listeners (UDP worker threads, TCP on NIO), stream framing, the send path.
        .target(
            name: "SIPTransport",
            dependencies: [
                "SIPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The Kamailio config language: preprocessor, lexer, parser, checker, compiler.
        .target(
            name: "TernScript",
            dependencies: ["SIPCore", .product(name: "Logging", package: "swift-log")]
        ),
        // Router, worker pools, module registry, statistics, logging.
        .target(
            name: "TernRuntime",
            dependencies: [
                "SIPCore", "SIPTransport", "TernScript",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // Built-in modules, one folder each.
        .target(name: "TernModules", dependencies: ["SIPCore", "TernScript", "TernRuntime"]),
        .executableTarget(
            name: "tern",
            dependencies: [
                "SIPCore", "SIPTransport", "TernScript", "TernRuntime", "TernModules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Shared by all tests: the real binary on loopback, SIPp runner, raw sender, and routes
        // run on messages in process (ScriptTestHarness).
        .target(
            name: "TernTestSupport",
            dependencies: [
                "SIPCore", "SIPTransport", "TernScript", "TernRuntime", "TernModules",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "SIPCoreTests", dependencies: ["SIPCore", "TernTestSupport"]),
        .testTarget(name: "TernScriptTests", dependencies: ["TernScript", "TernRuntime", "TernModules", "TernTestSupport"]),
        .testTarget(
            name: "SIPTransportTests",
            dependencies: [
                "SIPTransport", "SIPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "TernRuntimeTests", dependencies: ["TernRuntime", "TernScript", "SIPCore", "SIPTransport", "TernTestSupport"]),
        .testTarget(name: "TernIntegrationTests", dependencies: ["SIPCore", "TernTestSupport"]),
        // The config language end to end: the seed examples through `tern -c`, and the script
        // snippet table (Snippets/*.snip, checked against Kamailio by scripts/check-snippets-against-kamailio.py).
        .testTarget(
            name: "TernLanguageTests",
            dependencies: ["TernModules", "TernRuntime", "TernScript", "SIPCore", "SIPTransport", "TernTestSupport"],
            exclude: ["Snippets"]
        ),
        .testTarget(
            name: "TernModulesTextTests",
            dependencies: ["TernModules", "TernRuntime", "TernScript", "SIPCore", "SIPTransport", "TernTestSupport"]
        ),
        // cfgutils, kex, maxfwd, pv and xlog run on real messages through compiled routes.
        .testTarget(
            name: "TernModulesTests",
            dependencies: [
                "TernModules", "TernRuntime", "TernScript", "SIPCore", "SIPTransport", "TernTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
