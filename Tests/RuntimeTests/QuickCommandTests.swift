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

    /// What the man pages and the shell completions are made from reaches the parser: the
    /// quick path must never swallow `--experimental-dump-help` (scripts/gen-reference.sh)
    /// or `--generate-completion-script`.
    @Test func generatorsReachTheParser() throws {
        let dump = try runChronyvisor(["--experimental-dump-help"])
        #expect(dump.status == .exited(0), "\(dump.stderr)")
        #expect(dump.stdout.contains("\"serializationVersion\"") && dump.stdout.contains("\"commandName\" : \"health\""),
                "\(dump.stdout.prefix(300))")
        for shell in ["bash", "zsh", "fish"] {
            let script = try runChronyvisor(["--generate-completion-script", shell])
            #expect(script.status == .exited(0), "\(shell): \(script.stderr)")
            // The subcommand, one of its own flags and a setting's flag (fish writes them without dashes).
            #expect(script.stdout.contains("health") && script.stdout.contains("live") && script.stdout.contains("health-max-offset"),
                    "\(shell): \(script.stdout.prefix(300))")
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
