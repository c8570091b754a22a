import ChronyKit
import ChronyRuntime
import Testing

/// The command lines `Entry` runs without the argument parser (`health`, `health --live`,
/// `--version`) behave as the parser's commands do, and every other form still reaches the
/// parser. Through the real binary.
@Suite struct QuickCommandTests {
    @Test func versionPrintsTheVersionLine() throws {
        let version = try runChronyvisor(["--version"])
        #expect(version.status == .exited(0))
        #expect(version.stdout == ChronyvisorVersion.line + "\n")
        #expect(version.stdout.hasPrefix(ChronyvisorVersion.current + " (commit "))
    }

    @Test func otherFormsReachTheParser() throws {
        for arguments in [["health", "--bogus"], ["health", "--live", "--live", "x"], ["--versio"]] {
            let run = try runChronyvisor(arguments)
            #expect(run.status == .exited(64), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("Usage:") || run.stderr.contains("Error:"), "\(arguments): \(run.stderr)")
        }
    }

    /// A bad CHRONY_RUN_DIR: the same one-line error and exit 78 with or without the parser.
    @Test func aBadSettingFailsAlikeWithAndWithoutTheParser() throws {
        let environment = ["CHRONY_RUN_DIR": "/run"]
        let quick = try runChronyvisor(["health"], environment: environment)
        let parsed = try runChronyvisor(["health", "--timeout", "5"], environment: environment)
        #expect(quick.status == .exited(78))
        #expect(quick.stderr.hasPrefix("chronyvisor: invalid CHRONY_RUN_DIR=\"/run\""), "\(quick.stderr)")
        #expect(quick.stderr.split(separator: "\n").count == 1)
        #expect(parsed.status == quick.status)
        #expect(parsed.stderr == quick.stderr)
        #expect(quick.stdout.isEmpty)
    }
}
