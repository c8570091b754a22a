import ChronyRuntime
import Foundation

/// Runs the built chronyvisor binary as a separate process with exactly `environment`
/// (plus PATH), in `directory`, and captures its output.
func runChronyvisor(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                    timeout: Duration = .seconds(30)) throws -> CapturedRun {
    var env = environment
    env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
    guard let directory else {
        return try CapturedRun.run(TestPaths.chronyvisor, arguments: arguments, timeout: timeout, environment: env)
    }
    // Run through env(1)'s -C to change directory without touching our own working directory.
    return try CapturedRun.run("/usr/bin/env", arguments: ["-C", directory, TestPaths.chronyvisor] + arguments,
                               timeout: timeout, environment: env)
}

/// A fresh private temporary directory, removed by the caller.
func makeTemporaryDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("chronyvisor-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
