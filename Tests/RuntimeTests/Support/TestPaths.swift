import Foundation

/// Locations tests need: the package root, the built chronyvisor binary, shared fixtures.
enum TestPaths {
    /// The package root (this file is Tests/RuntimeTests/Support/TestPaths.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The chronyvisor executable built next to the test bundle.
    static var chronyvisor: String { builtExecutable("chronyvisor") }

    /// The capacity benchmark's load generator, built next to the test bundle.
    static var loadGenerator: String { builtExecutable("chronyvisor-loadgen") }

    /// A product of this package built next to the test bundle (or in .build/debug).
    static func builtExecutable(_ name: String) -> String {
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.appendingPathComponent(name).path,
            bundle.deletingLastPathComponent().appendingPathComponent(name).path,
            packageRoot.appendingPathComponent(".build/debug/\(name)").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }
}
