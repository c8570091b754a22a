import Foundation

/// Locations tests need: the package root, the built chronyvisor binary, shared fixtures.
enum TestPaths {
    /// The package root (this file is Tests/RuntimeTests/Support/TestPaths.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The chronyvisor executable built next to the test bundle.
    static var chronyvisor: String {
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.appendingPathComponent("chronyvisor").path,
            bundle.deletingLastPathComponent().appendingPathComponent("chronyvisor").path,
            packageRoot.appendingPathComponent(".build/debug/chronyvisor").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }
}
