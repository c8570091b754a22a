import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor run` as PID 1 of a new PID namespace (`unshare --pid --fork --mount-proc`),
/// with a stand-in chronyd that orphans 100 grandchildren and then ends as told: every
/// orphan is reaped (no zombie left in the namespace) and run gives up at once (RESTART_MAX=0)
/// with the child's status, or 1 when that was 0 (giving up is always a failure).
@Suite struct RunPID1Tests {
    enum Ending: Sendable, CustomTestStringConvertible {
        case code(Int32)
        case signal(Int32)
        var expected: ChildExit {
            switch self {
            case .code(let c): return .exited(RestartPolicy.giveUpStatus(chronydStatus: c))
            case .signal(let s): return .exited(128 + s)
            }
        }
        var testDescription: String {
            switch self {
            case .code(let c): return "exit \(c)"
            case .signal(let s): return "killed by \(Signals.name(s))"
            }
        }
    }

    @Test(arguments: [Ending.code(0), .code(1), .code(2), .code(127), .code(255),
                      .signal(SIGKILL), .signal(SIGTERM), .signal(SIGUSR1)])
    func reapsOrphansAndExitsWithTheChildsStatus(ending: Ending) throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-pid1-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(report) }
        var environment = [
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-orphans.sh"),
            "RESTART_MAX": "0", "ORPHANS": "100", "REPORT": report, "PID_NAMESPACE": "1",
        ]
        switch ending {
        case .code(let code): environment["EXIT_CODE"] = String(code)
        case .signal(let signal): environment["EXIT_SIGNAL"] = String(signal)
        }
        let unshare = Executables.find("unshare", fallbacks: ["/usr/bin/unshare"]) ?? "/usr/bin/unshare"
        let run = try RunningChronyvisor(environment, wrapper: [unshare, "--pid", "--fork", "--mount-proc"])
        #expect(try run.waitForExit(timeout: 60) == ending.expected, "\(run.log)")

        #expect(run.log.contains("pid1=true"), "\(run.log)")
        let found = try String(contentsOfFile: report, encoding: .utf8)
        #expect(found == "unreaped=0 zombies=0\n", "what the stand-in saw in the namespace before it ended")
        let exiting = try #require(run.events("chronyvisor exiting").first)
        #expect(RunningChronyvisor.value("orphans_reaped", in: exiting).flatMap(Int.init) == 100)
        #expect(RunningChronyvisor.value("exit_code", in: exiting) == String(ending.expected.exitCode))
    }

    @Test func asAnOrdinaryProcessItBecomesTheSubreaperOfOrphans() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-sub-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(report) }
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-orphans.sh"),
            "RESTART_MAX": "0", "ORPHANS": "20", "REPORT": report, "EXIT_CODE": "4"])
        #expect(try run.waitForExit(timeout: 60) == .exited(4))
        #expect(run.log.contains("pid1=false") && run.log.contains("subreaper=true"))
        // Outside a namespace `ps` sees the whole machine's zombies: only our orphans count.
        let found = try String(contentsOfFile: report, encoding: .utf8)
        #expect(found.hasPrefix("unreaped=0 "), "\(found)")
        let exiting = try #require(run.events("chronyvisor exiting").first)
        #expect(RunningChronyvisor.value("orphans_reaped", in: exiting).flatMap(Int.init) == 20)
    }

    /// As PID 1: SIGUSR1/SIGUSR2 are caught and not forwarded (chronyd would die of them),
    /// SIGHUP restarts chronyd gracefully (SIGTERM to the old one, a new one starts, no
    /// failure counted), SIGQUIT stops like SIGTERM.
    @Test func asPID1SignalsMeanWhatTheSupervisorPageSays() throws {
        let signals = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-signals-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(signals) }
        let unshare = Executables.find("unshare", fallbacks: ["/usr/bin/unshare"]) ?? "/usr/bin/unshare"
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-signals.sh"), "SIGNALS": signals,
            "RESTART_MAX": "0"],
            wrapper: [unshare, "--pid", "--fork", "--mount-proc"])
        func received() -> [String] {
            ((try? String(contentsOfFile: signals, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        try waitUntil(timeout: 30, "the stand-in runs\n\(run.log)") { received() == ["ready"] }
        #expect(run.supervisorPID != run.pid)
        run.signal(SIGUSR1)  // sent from outside the namespace to its PID 1
        run.signal(SIGUSR2)
        try waitUntil(timeout: 10, "both are logged as not forwarded\n\(run.log)") {
            run.events("signal not forwarded").count == 2
        }
        run.signal(SIGHUP)
        try waitUntil(timeout: 30, "the reload starts a second stand-in\n\(run.log)") { received() == ["ready", "TERM", "ready"] }
        #expect(run.chronydPIDs.count == 2)
        run.signal(SIGQUIT)
        #expect(try run.waitForExit() == .exited(0))
        #expect(received() == ["ready", "TERM", "ready", "QUIT"])
        #expect(run.log.contains("pid1=true"))
        #expect(run.events("restarting chronyd").isEmpty, "a reload is no restart after a failure")
    }
}
