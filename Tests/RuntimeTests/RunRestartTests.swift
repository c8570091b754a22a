import ChronyRuntime
import Foundation
import Testing

/// chronyd dies unasked: restarted with backoff, counted; beyond the budget, run exits.
@Suite struct RunRestartTests {
    @Test func aKilledChronydIsRestartedAndSynchronisesAgain() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "RESTART_MAX": "3"])
        try waitUntil(timeout: 30, "healthy\n\(run.log)") { run.states.contains("healthy") }
        let drift = run.stateDirectory + "/chrony.drift"
        try "12.345 0.678\n".write(toFile: drift, atomically: false, encoding: .utf8)

        let first = try #require(run.chronydPIDs.first)
        kill(first, SIGKILL)
        try waitUntil(timeout: 30, "a second chronyd starts\n\(run.log)") { run.chronydPIDs.count == 2 }
        let second = run.chronydPIDs[1]
        #expect(second != first && processExists(second))
        try waitUntil(timeout: 30, "healthy again\n\(run.log)") { run.states.filter { $0 == "healthy" }.count == 2 }
        #expect(Array(run.states.drop { $0 != "down" }.prefix(2)) == ["down", "starting"])

        let restart = try #require(run.events("restarting chronyd").first)
        #expect(RunningChronyvisor.value("restarts", in: restart) == "1")
        #expect(RunningChronyvisor.value("reason", in: restart) == "chronyd killed by signal 9 (SIGKILL)")
        let ended = try #require(run.events("chronyd ended unasked").first)
        #expect(RunningChronyvisor.value("restart_in", in: ended) == "250ms")
        #expect(FileManager.default.fileExists(atPath: drift), "the drift file survives the restart")

        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        #expect(!processExists(second))
    }

    @Test func crashesBeyondTheBudgetExitWithChronydsSignal() throws {
        let reference = try LocalChronyd.reference()
        // A window far longer than the test: on a loaded machine three starts may take over a minute.
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "RESTART_MAX": "2",
                                          "RESTART_WINDOW": "1h"])
        for round in 1...3 {
            try waitUntil(timeout: 30, "chronyd \(round) answers\n\(run.log)") {
                run.chronydPIDs.count == round && run.states.last.map { $0 != "starting" && $0 != "down" } == true
            }
            kill(run.chronydPIDs[round - 1], SIGKILL)
        }
        #expect(try run.waitForExit() == .exited(128 + SIGKILL))
        #expect(run.chronydPIDs.count == 3)
        #expect(run.events("restarting chronyd").count == 2)
        #expect(run.log.contains("chronyd failed more often than the restart budget allows: giving up"))
    }

    @Test func aChronydThatKeepsFailingEndsRunWithItsExitCode() throws {
        let starts = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-starts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(starts) }
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-exit.sh"), "EXIT_CODE": "3",
            "STARTS": starts, "RESTART_MAX": "2", "RESTART_WINDOW": "1h"])
        #expect(try run.waitForExit() == .exited(3))
        let lines = try String(contentsOfFile: starts, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3, "one start and two restarts")
        let delays = run.events("chronyd ended unasked").compactMap { RunningChronyvisor.value("restart_in", in: $0) }
        #expect(delays == ["250ms", "500ms"])
    }
}
