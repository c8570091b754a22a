import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor status` (the built binary) against real chronyd on loopback and chronyc's
/// own output for the same chronyd.
@Suite struct ChronycStatusCommandTests {
    static func status(_ arguments: [String]) throws -> CapturedRun {
        try CapturedRun.run(TestPaths.chronyvisor, arguments: ["status"] + arguments, timeout: .seconds(30))
    }

    /// The columns of a sources line that only change when chronyd polls: mode and state,
    /// name, stratum, poll, reach.
    static func stableColumns(_ table: String) -> [[Substring]] {
        table.split(separator: "\n").map { line in
            line.hasPrefix("MS ") || line.hasPrefix("===") ? [line] : Array(line.split(separator: " ").prefix(5))
        }
    }

    @Test func sourcesAgreeWithChronycOnTheStableColumns() throws {
        let reference = try LocalChronyd.reference()
        let client = try LocalChronyd.client(of: [reference], extra: ["server 127.0.0.2 port \(TestPorts.next()) iburst minpoll -2 maxpoll 0"])
        try waitUntil(timeout: 30, "the client selects the reference with a full reach register") {
            (try client.chronyc(["-c", "sources"])).stdout.contains("^,*,127.0.0.1,1,0,377,")
        }
        // Two reads can straddle a poll; a few attempts, each comparing every stable column.
        var last: ([[Substring]], [[Substring]]) = ([], [])
        for _ in 0..<5 {
            let ours = try Self.status(["sources", "--socket", client.socketPath])
            let theirs = try client.chronyc(["-n", "sources"])
            #expect(ours.status == .exited(0), "\(ours.stderr)")
            last = (Self.stableColumns(ours.stdout), Self.stableColumns(theirs.stdout))
            if last.0 == last.1 { break }
        }
        #expect(last.0 == last.1)
        #expect(last.0.count == 4)
        #expect(last.0.contains { $0.first == "^*" && $0.dropFirst().first == "127.0.0.1" })
        #expect(last.0.contains { $0.first == "^?" && $0.dropFirst().first == "127.0.0.2" })
    }

    @Test func reportsThatHoldStillAreByteIdenticalToChronyc() throws {
        let reference = try LocalChronyd.reference()
        let client = try LocalChronyd.client(of: [reference])
        try waitUntil(timeout: 30, "the client selects the reference") {
            (try client.chronyc(["-c", "sources"])).stdout.contains("^,*,127.0.0.1,")
        }
        // activity does not change; the reference's clients and tracking change at most once a
        // poll: retry a few times, each time comparing whole outputs.
        for (chronyd, report) in [(client, "activity"), (reference, "clients"), (reference, "tracking")] {
            var same = false
            var outputs = ("", "")
            for _ in 0..<10 where !same {
                let ours = try Self.status([report, "--socket", chronyd.socketPath])
                let theirs = try chronyd.chronyc(["-n", report])
                outputs = (ours.stdout, theirs.stdout)
                same = ours.status == .exited(0) && theirs.status == .exited(0) && ours.stdout == theirs.stdout
            }
            #expect(same, "status \(report): \(outputs.0) chronyc: \(outputs.1)")
        }
    }

    @Test func overviewAndJSON() throws {
        let reference = try LocalChronyd.reference()
        // No supervisor listens at HEALTH_LISTEN here: the verdict is the policy applied to
        // the reports just read (a reference serves its local clock: degraded).
        let noSupervisor = ["--health-listen", "127.0.0.1:\(TestPorts.next())"]
        let overview = try Self.status(["--socket", reference.socketPath, "--role", "gateway", "--servers", "127.0.0.1,127.0.0.2"] + noSupervisor)
        #expect(overview.status == .exited(0), "\(overview.stderr)")
        #expect(overview.stdout.hasPrefix("Role            : gateway\nHealth          : degraded: serving its local clock"))
        #expect(overview.stdout.contains("\n\nReference ID    : 7F7F0101 ()\nStratum         : 1\n"))
        #expect(overview.stdout.contains("\n\n" + ChronycText.sourcesHeader + "\n"))

        let json = try Self.status(["--json", "--socket", reference.socketPath] + noSupervisor)
        #expect(json.status == .exited(0), "\(json.stderr)")
        let decoded = try StatusJSON.decode(StatusOverview.self, from: json.stdout)
        #expect(decoded.role == .relay)
        #expect(decoded.verdict?.state == .degraded)
        #expect(decoded.health == decoded.verdict?.summary)
        #expect(decoded.tracking.stratum == 1)
        #expect(decoded.sources == [])

        let stats = try Self.status(["serverstats", "--json", "--socket", reference.socketPath])
        #expect(stats.status == .exited(0), "\(stats.stderr)")
        let set = try StatusJSON.decode(ReportSet.self, from: stats.stdout)
        #expect(set.kinds == [.serverstats])
        #expect((set.serverstats?.commandPacketsReceived ?? 0) > 0)
    }

    @Test func chronydDownIsOneLineNamingTheSocketAndStatus1() throws {
        let chronyd = try LocalChronyd.reference()
        chronyd.stop()
        for arguments in [["--socket", chronyd.socketPath], ["sources", "--socket", chronyd.socketPath, "--json"]] {
            let run = try Self.status(arguments)
            #expect(run.status == .exited(1))
            #expect(run.stdout == "")
            #expect(run.stderr == "chronyvisor: cannot reach chronyd at \(chronyd.socketPath): Could not open connection to daemon (is chronyd running?)\n")
        }
        // The default socket comes from the run directory setting.
        let directory = "/tmp/chronyvisor-none-\(getpid())"
        let run = try Self.status(["tracking", "--run-dir", directory])
        #expect(run.status == .exited(1))
        #expect(run.stderr.hasPrefix("chronyvisor: cannot reach chronyd at \(directory)/chronyd.sock: "))
    }

    @Test func aHungChronydEndsWithinTheTimeout() throws {
        let chronyd = try LocalChronyd.reference()
        kill(chronyd.pid, SIGSTOP)
        defer { kill(chronyd.pid, SIGCONT) }
        let run = try Self.status(["tracking", "--socket", chronyd.socketPath, "--timeout", "300ms"])
        #expect(run.status == .exited(1))
        #expect(run.stderr == "chronyvisor: cannot reach chronyd at \(chronyd.socketPath): no answer within 0.3 s (chronyc was killed)\n")
    }

    @Test func fromAFileOrStdin() throws {
        let fixtures = TestPaths.packageRoot.appendingPathComponent("Tests/ChronyKitTests/Fixtures/chrony-4.3")
        let text = try String(contentsOf: fixtures.appendingPathComponent("client.txt"), encoding: .utf8)
        // The sections of the fixture: "### -c sources" then the CSV, "### sources" then the text.
        func section(_ name: String) -> String {
            let start = text.range(of: "### \(name)\n")!.upperBound
            let end = text.range(of: "rc=0\n", range: start..<text.endIndex)!.lowerBound
            return String(text[start..<end])
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-from-\(getpid())-\(TestPorts.next())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("sources.csv")
        try section("-c sources").write(to: csv, atomically: true, encoding: .utf8)

        let fromFile = try Self.status(["sources", "--from", csv.path])
        #expect(fromFile.status == .exited(0))
        #expect(fromFile.stdout == section("sources"))

        let fromStdin = try CapturedRun.run("/bin/sh", arguments: ["-c", "exec \"$0\" status sources --from - < \"$1\"", TestPaths.chronyvisor, csv.path],
                                            timeout: .seconds(30))
        #expect(fromStdin.status == .exited(0))
        #expect(fromStdin.stdout == section("sources"))

        let bad = directory.appendingPathComponent("bad.csv")
        try "^,*,127.0.0.1,1,-3,378,0,0.1,0.1,0.1\n".write(to: bad, atomically: true, encoding: .utf8)
        let malformed = try Self.status(["sources", "--from", bad.path])
        #expect(malformed.status == .exited(65))
        #expect(malformed.stderr == "chronyvisor: malformed chronyc sources output, line 1: field 6 (reach) is \"378\", expected an octal number up to 377\n")

        let missing = try Self.status(["sources", "--from", directory.appendingPathComponent("none").path])
        #expect(missing.status == .exited(66))
        #expect(missing.stderr.hasPrefix("chronyvisor: --from "))

        let noReport = try Self.status(["--from", csv.path])
        #expect(noReport.status == .exited(64))
    }
}
