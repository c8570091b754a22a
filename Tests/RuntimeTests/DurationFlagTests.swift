import ChronyKit
import Foundation
import Testing

/// The duration flags of `health` and `status` read what duration settings read: a plain
/// number of seconds or a number with a unit; anything else, or a value out of range, is a
/// usage error (64) naming the flag. Through the real binary and its argument parser.
@Suite struct DurationFlagTests {
    @Test(arguments: [
        (["health", "--timeout", "x"], "--timeout"), (["health", "--timeout", "-1"], "--timeout"),
        (["health", "--timeout", "0"], "--timeout 0s: expected a duration such as"),
        (["health", "--timeout", "2m"], "--timeout 120s: expected a duration such as"),
        (["health", "--timeout", "5 s"], "--timeout"),
        (["status", "tracking", "--timeout", "nan"], "--timeout"),
        (["status", "tracking", "--timeout", "2h"], "--timeout 7200s: expected a duration such as"),
    ])
    func badValuesAreUsageErrorsNamingTheFlag(arguments: [String], message: String) throws {
        let run = try runChronyvisor(arguments)
        #expect(run.status == .exited(64), "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// The range the error states is the one the flag takes: its ends are accepted (the run
    /// then fails for want of a chronyd, with 1, not as a usage error).
    @Test(arguments: [["health", "--timeout", "1m"], ["health", "--timeout", "1ms"],
                      ["status", "tracking", "--timeout", "1h"], ["status", "tracking", "--timeout", "50ms"]])
    func theRangesEndsAreAccepted(arguments: [String]) throws {
        let directory = "/tmp/chronyvisor-none-\(getpid())"
        let environment = ["CHRONY_RUN_DIR": directory, "HEALTH_LISTEN": "127.0.0.1:\(TestPorts.next())"]
        let run = try runChronyvisor(arguments, environment: environment)
        #expect(run.status == .exited(1), "\(arguments): \(run.stdout)\(run.stderr)")
    }
}
