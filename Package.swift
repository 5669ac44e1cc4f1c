// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
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

        // Pure protocol core: wire codec and the registry / peer state machines. No I/O.
        .target(
            name: "ConfChatCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        // The node driver: runs a machine's inputs, commits its writes, carries out its
        // effects over a transport. Depends on the core only, so the core's tests use it too.
        .target(name: "ConfChatDriver", dependencies: ["ConfChatCore"], swiftSettings: swiftSettings),
        // The scenario language: lexer, parser, loader with includes, diagnostics. No I/O but file reads.
        .target(name: "ConfChatScenario", swiftSettings: swiftSettings),

        // ZeroMQ: context, ROUTER sockets, CURVE, the ZAP handler. libzmq only, nothing of conf-chat.
        .target(name: "ConfChatZMQ", dependencies: ["CZMQ"], swiftSettings: swiftSettings),
        // Crypto: Argon2id, sealed mail, encrypted backups, key pairs; libsodium, plus libzmq for
        // the Z85 text of key files; the driver for SealingTransport.
        .target(
            name: "ConfChatCrypto",
            dependencies: ["ConfChatCore", "ConfChatDriver", "CSodium", "CZMQ"],
            swiftSettings: swiftSettings
        ),
        // Storage: a node's durable state in SQLite (GRDB) or in memory, data directories; the
        // driver for NodeStore, which the stores implement.
        .target(
            name: "ConfChatStorage",
            dependencies: ["ConfChatCore", "ConfChatDriver", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The simulator: a whole network in one process on a simulated clock, its trace and the
        // scenario runner; it runs real nodes, so it uses ZeroMQ, crypto and storage.
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
        // The standalone hosts: one node per process on the real clock (confchat registry, peer),
        // over ZeroMQ with CURVE, a SQLite data directory and crypto. Not the simulator.
        .target(
            name: "ConfChatStandalone",
            dependencies: [
                "ConfChatCore", "ConfChatDriver", "ConfChatZMQ", "ConfChatCrypto", "ConfChatStorage", "CZMQ",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tools around the simulator: chaos runs, the benchmark, reports (JUnit, sequence
        // diagrams); the benchmark also measures raw ZeroMQ, hence ConfChatZMQ and HdrHistogram.
        .target(
            name: "ConfChatTools",
            dependencies: [
                "ConfChatCore", "ConfChatDriver", "ConfChatScenario", "ConfChatSimulator", "ConfChatStorage",
                "ConfChatZMQ", "CZMQ",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The interactive prompt (libedit), attached to a simulated peer or to a standalone one.
        .target(
            name: "ConfChatConsole",
            dependencies: [
                "ConfChatCore", "ConfChatScenario", "ConfChatSimulator", "ConfChatStandalone", "CEdit",
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: parses arguments, reads the wall clock and fresh randomness, and
        // calls into the modules above.
        .executableTarget(
            name: "confchat",
            dependencies: [
                "ConfChatCore", "ConfChatScenario", "ConfChatSimulator", "ConfChatStandalone", "ConfChatTools",
                "ConfChatConsole", "ConfChatCrypto", "ConfChatStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Each module's tests depend on that module (and what it builds on) only.
        .testTarget(name: "ConfChatCoreTests", dependencies: ["ConfChatCore", "ConfChatDriver"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatScenarioTests", dependencies: ["ConfChatScenario"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatSimulatorTests", dependencies: ["ConfChatSimulator", "ConfChatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatStandaloneTests", dependencies: ["ConfChatStandalone"], swiftSettings: swiftSettings),
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
