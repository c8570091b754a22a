import ChronyRuntime
import Foundation
import Testing

/// SIGTERM to run: chronyd stopped, exit 0; a chronyd ignoring SIGTERM is killed after the grace.
@Suite struct RunStopTests {
    @Test func sigtermStopsChronydAndExitsZero() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "READY_WHEN": "running"])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        let chronyd = try #require(run.chronydPIDs.first)
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        #expect(!processExists(chronyd))
        #expect(run.log.contains("chronyvisor: chronyd stopped exit=\"exited with status 0\""))
        #expect(!run.log.contains("did not stop within the grace"))
        #expect(run.log.contains("chronyd: chronyd exiting"))
    }

    @Test func aChronydIgnoringSigtermIsKilledAfterTheGrace() throws {
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-stubborn.sh"), "STOP_GRACE": "1s"])
        try waitUntil(timeout: 30, "the stubborn chronyd runs\n\(run.log)") { !run.chronydPIDs.isEmpty }
        let stubborn = run.chronydPIDs[0]
        // It has ignored SIGTERM once its trap is set: wait until it has exec'd sleep.
        try waitUntil(timeout: 10, "the stand-in execs sleep") {
            (try? String(contentsOfFile: "/proc/\(stubborn)/comm", encoding: .utf8)) == "sleep\n"
        }
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        #expect(!processExists(stubborn))
        let killed = try #require(run.events("chronyd did not stop within the grace").first)
        #expect(RunningChronyvisor.value("grace", in: killed) == "1s")
        #expect(run.log.contains("chronyd stopped exit=\"killed by signal 9 (SIGKILL)\""))
    }
}
