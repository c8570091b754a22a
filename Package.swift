// swift-tools-version: 6.1
//
// chronyvisor: chrony in containers, supervised, observable and healthy.
// Dependency direction: chronyvisor (CLI) -> ChronyRuntime (effects) -> ChronyKit (pure logic).

import PackageDescription

let package = Package(
    name: "chronyvisor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chronyvisor", targets: ["chronyvisor"]),
        .library(name: "ChronyKit", targets: ["ChronyKit"]),
        .executable(name: "chronyvisor-parse-bench", targets: ["ParseBenchmark"]),
        .executable(name: "chronyvisor-loadgen", targets: ["LoadGenerator"]),
        .executable(name: "chronyvisor-fuzz", targets: ["FuzzEntry"]),
    ],
    // Every dependency pinned to one version, so that every clone builds the same code
    // (Package.resolved cannot be the pin: the offline package store's commit ids are not the
    // upstream ones). Their own dependencies resolve to the one version each the store holds.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // No traits: keeps JSON/YAML file providers (and full Foundation) out; we read env + flags.
        .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        /// Pure logic: settings, config rendering, report parsing/formatting, health policy, NTP maths.
        .target(
            name: "ChronyKit",
            dependencies: [
                "CBuildStamp",
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        /// The commit a release binary was built from, stamped after the link
        /// (scripts/build-release.sh).
        .target(name: "CBuildStamp"),
        /// libsystemd's sd_notify: its header at build time (libsystemd-dev), the library
        /// itself bound at run time on first use (see Sources/CSystemd/shim.h).
        .systemLibrary(
            name: "CSystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        /// Linux calls Swift cannot import directly (variadic in C): prctl.
        .systemLibrary(name: "CLinux"),
        /// Effects: processes, signals, sockets, HTTP.
        .target(
            name: "ChronyRuntime",
            dependencies: [
                "ChronyKit",
                "CSystemd",
                "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "chronyvisor",
            dependencies: [
                "ChronyKit",
                "ChronyRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// Test cases shared by the unit and the runtime tests (golden configs, bad inputs).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        /// `chronyvisor-parse-bench`: chronyc CSV parse throughput per report (scripts/bench-parse.sh).
        .executableTarget(
            name: "ParseBenchmark",
            dependencies: ["ChronyKit"]
        ),
        /// `chronyvisor-loadgen`: many SNTP clients at a fixed rate, for the capacity benchmark
        /// (scripts/bench/capacity.py).
        .executableTarget(
            name: "LoadGenerator",
            dependencies: [
                "ChronyKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /// The fuzz targets: one per kind of outside input, each with the properties that must
        /// hold on any input, its seeds (from the repository's fixtures) and its dictionary.
        /// Built in every build, so they follow the code; fuzzed by scripts/fuzz.sh.
        .target(
            name: "ChronyFuzz",
            dependencies: [
                "ChronyKit",
                "ChronyRuntime",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        /// `chronyvisor-fuzz`: libFuzzer's entry point when built with `-sanitize=fuzzer`
        /// and `-D CHRONYVISOR_FUZZING` (scripts/fuzz.sh); otherwise a replayer of inputs.
        .executableTarget(
            name: "FuzzEntry",
            dependencies: ["ChronyFuzz"]
        ),
        .testTarget(
            name: "ChronyKitTests",
            dependencies: [
                "ChronyKit",
                "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            // Golden files (chronyc captures, rendered configs), read through #filePath, not bundled.
            exclude: ["Fixtures", "Config/Golden"]
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: ["ChronyKit", "ChronyRuntime", "chronyvisor", "TestSupport", "ChronyFuzz"],
            exclude: ["Scripts"]  // stand-in chronyd scripts, run by path
        ),
    ],
    swiftLanguageModes: [.v6]
)
