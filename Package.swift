// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
        .executable(name: "ternctl", targets: ["ternctl"]),
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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.9.0"..<"5.0.0"),
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
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // RFC 3261 §17 transactions as pure state machines, the timer wheel, the sharded
        // transaction table and the §16.7 response context.
        .target(name: "SIPTransaction", dependencies: ["SIPCore"]),
        // Debian's libsqlite3 (system library; shim.h wraps SQLITE_TRANSIENT).
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // Debian's MariaDB C client (system library), for mysql:// URLs.
        .systemLibrary(name: "CMariaDB", providers: [.apt(["libmariadb-dev"])]),
        // Debian's OpenSSL libcrypto: MD5 and SHA-256 with inline contexts for digest auth.
        .systemLibrary(name: "CLibCrypto", providers: [.apt(["libssl-dev"])]),
        // db_url → connection pools (SQLite, PostgreSQL, MySQL); Kamailio's table schemas.
        .target(
            name: "TernStorage",
            dependencies: [
                "CSQLite", "CMariaDB",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Kamailio config language: preprocessor, lexer, parser, checker, compiler.
        .target(
            name: "TernScript",
            dependencies: [
                "SIPCore", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // res_query for RFC 3263 SRV lookups (glibc keeps it out of the Glibc module).
        .target(name: "CResolv", linkerSettings: [.linkedLibrary("resolv", .when(platforms: [.linux]))]),
        // The management commands' values (RPCValue) and their JSON: shared by the server's
        // RPC registry and ternctl, which links nothing else of the server.
        .target(name: "TernRPCModel"),
        // Router, worker pools, module registry, statistics, logging.
        .target(
            name: "TernRuntime",
            dependencies: [
                "SIPCore", "SIPTransport", "TernScript", "CResolv", "TernRPCModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // Management transports: the FIFO server (SER text and JSON-RPC), JSON-RPC over the
        // control socket and HTTP /RPC.
        .target(
            name: "TernRPC",
            dependencies: [
                "SIPCore", "TernScript", "TernRuntime",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Built-in modules, one folder each.
        .target(
            name: "TernModules",
            dependencies: [
                "SIPCore", "SIPTransaction", "TernScript", "TernRuntime", "TernStorage", "TernRPC", "CLibCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "tern",
            dependencies: [
                "SIPCore", "SIPTransport", "TernScript", "TernRuntime", "TernModules", "TernRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The management CLI (serctl + kamcmd + kamctl): speaks only the management protocols.
        .executableTarget(
            name: "ternctl",
            dependencies: [
                "TernRPCModel", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // add/passwd/rm write the subscriber table directly, as kamctl does.
                "TernStorage", .product(name: "Crypto", package: "swift-crypto"),
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
        .testTarget(name: "TernStorageTests", dependencies: ["TernStorage", "TernTestSupport"]),
        // auth and auth_db: digest vectors, nonces with an injected clock, replay, the subscriber table.
        .testTarget(
            name: "TernAuthTests",
            dependencies: ["TernModules", "TernRuntime", "TernScript", "SIPCore", "TernStorage", "TernTestSupport",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "SIPTransactionTests", dependencies: ["SIPTransaction", "SIPCore"]),
        // usrloc and registrar: REGISTER handling, lookup, expiry, RPCs and the database modes, in process.
        .testTarget(
            name: "TernRegistrarTests",
            dependencies: ["TernModules", "TernRuntime", "TernScript", "TernStorage", "SIPCore", "SIPTransport", "TernTestSupport"]
        ),
        .testTarget(name: "TernScriptTests", dependencies: ["TernScript", "TernRuntime", "TernModules", "TernTestSupport"]),
        .testTarget(
            name: "SIPTransportTests",
            dependencies: [
                "SIPTransport", "SIPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        // The management protocols in process: request scanning, JSON, rendering, the FIFO
        // and control socket servers.
        .testTarget(
            name: "TernRPCTests",
            dependencies: ["TernRPC", "TernRPCModel", "TernRuntime", "TernScript", "SIPCore", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "TernRuntimeTests", dependencies: ["TernRuntime", "TernScript", "SIPCore", "SIPTransport", "TernTestSupport"]),
        // exec: environment, shell quoting and programs, in process and through the real binary.
        .testTarget(
            name: "TernExecTests",
            dependencies: ["TernModules", "TernRuntime", "TernScript", "SIPCore", "SIPTransport", "TernTestSupport"]
        ),
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
                "TernModules", "TernRuntime", "TernScript", "SIPCore", "SIPTransport", "SIPTransaction", "TernTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)

// Release builds of Tern's own code: the hot path crosses module boundaries (SIPCore → TernScript →
// TernRuntime → TernModules) on every message, so generic code and small functions are made
// available for specialisation and inlining across modules; and the dynamic exclusivity checks,
// a runtime call on each class-property access, are left to debug builds, where every test
// still runs with them.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    ]
}
