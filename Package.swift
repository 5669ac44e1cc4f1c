// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // Release builds specialize generic code across this package's modules (the node driver
    // is generic over its machine): unspecialized, every input looked up type metadata and
    // copied the machine through value witnesses (docs/performance.md, "Where the time goes").
    // Release builds leave out the run-time exclusivity checks (debug builds and tests keep
    // them): they were 8 % of the instructions a message.
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
        // System libraries, found through pkg-config (Debian: libzmq3-dev, libsodium-dev).
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
        // The shell: ZeroMQ, SQLite, Argon2id, simulated clock, simulator and scenario runner.
        .target(
            name: "ConfChatNode",
            dependencies: [
                "ConfChatCore", "ConfChatDriver", "ConfChatScenario", "CZMQ", "CSodium", "CEdit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "confchat",
            dependencies: [
                "ConfChatNode", "ConfChatScenario", "ConfChatCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ConfChatCoreTests", dependencies: ["ConfChatCore", "ConfChatDriver"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfChatScenarioTests", dependencies: ["ConfChatScenario"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConfChatNodeTests",
            dependencies: ["ConfChatNode", "ConfChatDriver", "ConfChatScenario", "ConfChatCore"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
