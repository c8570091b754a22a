import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor probe` as a process: usage errors, and SIGTERM/SIGINT in the middle of a
/// long run printing the summary and choosing the exit status.
@Suite struct ProbeCommandTests {
    @Test(arguments: [
        (["--port", "0"], "--port"), (["--port", "70000"], "--port"), (["--interval", "-1"], "--interval"),
        (["--count", "many"], "--count"), (["--timeout", "0"], "--timeout"),
    ])
    func usageErrorsExit64NamingTheFlag(arguments: [String], flag: String) throws {
        let run = try runChronyvisor(["probe", "127.0.0.1"] + arguments)
        #expect(run.status == .exited(64))
        #expect(run.stderr.hasPrefix("chronyvisor: \(flag): expected "), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func aMissingHostIsAUsageError() throws {
        let run = try runChronyvisor(["probe"])
        #expect(run.status == .exited(64))
        #expect(run.stderr.contains("<host>"))
    }

    @Test func sigtermDuringALongIntervalPrintsTheSummary() throws {
        let chronyd = try LocalChronyd.reference()
        let probe = try SpawnedProbe(["probe", "127.0.0.1", "--port", String(chronyd.port), "--interval", "3600"])
        try waitUntil(timeout: 20, "the first sample is printed") { probe.output.contains("[1] ") }
        kill(probe.pid, SIGTERM)
        let exit = ChildReaper.shared.waitForExit(probe.pid)
        let output = probe.output
        #expect(exit == .exited(0), "\(output)")
        #expect(output.contains("[1] ") && output.contains("stratum 1"), "\(output)")
        #expect(output.contains("1 sent, 1 answered, 0 lost, 0 refused, 0 invalid dropped"), "\(output)")
        #expect(output.contains("offset min/median/max"), "\(output)")
    }

    @Test func sigintWhileWaitingForAReplyPrintsTheJSONSummary() throws {
        let server = try FakeNTPServer { _ in [] }  // hears, never answers
        let probe = try SpawnedProbe(["probe", "127.0.0.1", "--port", String(server.port), "--timeout", "600",
                                      "--interval", "600", "--json"])
        try waitUntil(timeout: 20, "the request reaches the server") { server.requests == 1 }
        kill(probe.pid, SIGINT)
        let exit = ChildReaper.shared.waitForExit(probe.pid)
        let lines = probe.output.split(separator: "\n")
        #expect(exit == .exited(1), "\(probe.output)")
        #expect(lines.count == 2, "\(probe.output)")
        let lost = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
        #expect(lost["type"] as? String == "lost")
        #expect(lost["reason"] as? String == "interrupted")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])
        #expect(summary["type"] as? String == "summary")
        #expect(summary["sent"] as? Int == 1)
        #expect(summary["lost"] as? Int == 1)
        #expect(summary["exit_code"] as? Int == 1)
    }
}

/// chronyvisor started in the background with stdout and stderr going to a file.
final class SpawnedProbe: @unchecked Sendable {
    let pid: pid_t
    let file: URL

    init(_ arguments: [String]) throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out")
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(fd) }
        pid = try ChildReaper.shared.spawn(TestPaths.chronyvisor, arguments: arguments, options: SpawnOptions(stdout: fd, stderr: fd))
    }

    var output: String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

    deinit {
        if ChildReaper.shared.exitIfFinished(pid) == nil {
            kill(pid, SIGKILL)
            _ = ChildReaper.shared.waitForExit(pid)
        }
        try? FileManager.default.removeItem(at: file)
    }
}
