// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // Release builds specialize generic code across this package's modules (the node driver
    // is generic over its machine): unspecialized, every input looked up type metadata and
    // copied the machine through value witnesses (docs/performance.md, "Where the time goes").
    // Release builds leave out the run-time exclusivity checks (debug builds and tests keep
    // them): they were 6 % of the instructions a message.
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "confchat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "confchat", targets: ["confchat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries, found through pkg-config (Debian: libzmq3-dev, libsodium-dev, libedit-dev).
        .systemLibrary(name: "CZMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // setns(2) for a network namespace (libc only; Swift's Glibc module leaves it out).
        .systemLibrary(name: "CNetNamespace"),
        // glibc's heap statistics (mallinfo2) and malloc_trim: the bench's memory a peer.
        .systemLibrary(name: "CMalloc"),
        // SQLite's process-wide configuration (variadic sqlite3_config, which Swift cannot call):
        // its allocator without the statistics' mutex, set as the program loads. Debug info as
        // DWARF 4, as Swift's own objects: valgrind 3.19 (the profiles of docs/performance.md)
        // gives up on a binary with clang's default DWARF 5 in it.
        .target(name: "CSQLiteConfig", cSettings: [.unsafeFlags(["-gdwarf-4"])], linkerSettings: [.linkedLibrary("sqlite3")]),

        // Pure protocol core: wire codec and the registry / peer state machines. No I/O.
        .target(name: "ConfChatCore", swiftSettings: swiftSettings),
        // The node driver: runs a machine's inputs, commits its writes, carries out its
        // effects over a transport. Depends on the core only, so the core's tests use it too.
        .target(name: "ConfChatDriver", dependencies: ["ConfChatCore"], swiftSettings: swiftSettings),
        // The scenario language: lexer, parser, printer, loader with includes, diagnostics, and
        // the table of user verbs the prompt shares. Its values are the core's (PeerCommand,
        // PeerName). No I/O but file reads.
        .target(name: "ConfChatScenario", dependencies: ["ConfChatCore"], swiftSettings: swiftSettings),

        // ZeroMQ: context, ROUTER sockets, CURVE, the ZAP handler; libzmq only, nothing of conf-chat.
        .target(name: "ConfChatZMQ", dependencies: ["CZMQ"], swiftSettings: swiftSettings),
        // Crypto: Argon2id, sealing, key pairs (libsodium); libzmq for key files' Z85, the driver for SealingTransport.
        .target(
            name: "ConfChatCrypto",
            dependencies: ["ConfChatCore", "ConfChatDriver", "CSodium", "CZMQ"],
            swiftSettings: swiftSettings
        ),
        // Storage: durable state in SQLite (GRDB to open; its hot statements through SQLite's C API, GRDBSQLite) or memory,
        // data directories; the driver's NodeStore it implements; CSQLiteConfig for SQLite's process-wide settings.
        .target(
            name: "ConfChatStorage",
            dependencies: ["ConfChatCore", "ConfChatDriver", "CSQLiteConfig", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The simulator, its trace and the scenario runner: real nodes on a simulated clock, so ZeroMQ, crypto, storage.
        .target(
            name: "ConfChatSimulator",
            dependencies: [
                "ConfChatCore", "ConfChatDriver", "ConfChatScenario", "ConfChatZMQ", "ConfChatCrypto",
                "ConfChatStorage", "CZMQ",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The standalone hosts (confchat registry, peer): one node a process over ZeroMQ, crypto, storage; no simulator.
        .target(
            name: "ConfChatStandalone",
            dependencies: [
                "ConfChatCore", "ConfChatDriver", "ConfChatZMQ", "ConfChatCrypto", "ConfChatStorage", "CZMQ", "CMalloc",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // Several hosts on one machine: Linux network namespaces joined by a bridge, cut apart by
        // blackhole routes (the `ip` tool of iproute2, root or CAP_NET_ADMIN + CAP_SYS_ADMIN). Foundation only.
        // The runner's proxy opens its sockets in the hosts through threads that entered their namespaces.
        .target(name: "ConfChatHosts", dependencies: ["CNetNamespace"], swiftSettings: swiftSettings),
        // Chaos, bench, reports, run planner and worker pool: built on the simulator; the bench times raw ZeroMQ too;
        // run --processes drives the standalone hosts through their control channel (ConfChatStandalone's client);
        // run --hosts spreads them over namespaced hosts (ConfChatHosts).
        .target(
            name: "ConfChatTools",
            dependencies: [
                "ConfChatCore", "ConfChatScenario", "ConfChatSimulator", "ConfChatStorage", "ConfChatStandalone", "ConfChatZMQ", "CZMQ",
                "ConfChatHosts", "CMalloc", "ConfChatCrypto",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The interactive prompt (libedit), attached to a simulated peer or to a standalone one, hence both.
        .target(
            name: "ConfChatConsole",
            dependencies: [
                "ConfChatCore", "ConfChatScenario", "ConfChatSimulator", "ConfChatStandalone", "CEdit",
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: parses arguments, calls into the modules above, gives the hosts their clock and seed.
        .executableTarget(
            name: "confchat",
            dependencies: [
                "ConfChatCore", "ConfChatScenario", "ConfChatSimulator", "ConfChatStandalone", "ConfChatTools",
                "ConfChatConsole", "ConfChatCrypto", "ConfChatHosts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Each module's tests depend on that module (and what it builds on) only.
        .testTarget(name: "ConfChatCoreTests", dependencies: ["ConfChatCore", "ConfChatDriver"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatScenarioTests", dependencies: ["ConfChatScenario", "ConfChatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatCryptoTests", dependencies: ["ConfChatCrypto", "ConfChatCore", "ConfChatDriver"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatSimulatorTests", dependencies: ["ConfChatSimulator", "ConfChatCore"], swiftSettings: swiftSettings),
        // GRDB too: to write a data directory as an older confchat did (PeerStoreMigrationTests);
        // SQLite's C API and CSQLiteConfig to see its allocator's setting (SQLiteAllocatorTests).
        .testTarget(
            name: "ConfChatStorageTests",
            dependencies: ["ConfChatStorage", "ConfChatCore", "CSQLiteConfig", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ConfChatStandaloneTests", dependencies: ["ConfChatStandalone"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatHostsTests", dependencies: ["ConfChatHosts"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConfChatToolsTests",
            dependencies: ["ConfChatTools", "ConfChatSimulator", "ConfChatScenario", "ConfChatCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConfChatConsoleTests",
            dependencies: ["ConfChatConsole", "ConfChatSimulator", "ConfChatScenario", "ConfChatCore"],
            swiftSettings: swiftSettings
        ),
        // Whole runs: scenarios through the runner, reports, and the built confchat executable.
        .testTarget(
            name: "ConfChatEndToEndTests",
            dependencies: ["ConfChatSimulator", "ConfChatTools", "ConfChatScenario", "ConfChatCore"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
