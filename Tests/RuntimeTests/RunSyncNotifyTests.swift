import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor run` against a local reference chronyd (both with -x): synchronises and tells
/// a notify socket READY=1, STATUS=, WATCHDOG=1 and STOPPING=1, in that order.
@Suite struct RunSyncNotifyTests {
    @Test(arguments: [false, true])
    func synchronisesAndNotifies(abstractSocket: Bool) throws {
        let reference = try LocalChronyd.reference()
        let scratch = try makeTemporaryDirectory("notify")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let listener = try NotifyListener(abstract: abstractSocket, directory: scratch)
        defer { listener.close() }

        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1:\(reference.port)",
            "NOTIFY_SOCKET": listener.address,
            "WATCHDOG_USEC": "300000",
            "WATCHDOG_PID": "1",  // systemd's pid as seen from outside a PID namespace: must not matter
        ])
        try waitUntil(timeout: 30, "READY=1 arrives\n\(run.log)") { listener.lines.contains("READY=1") }
        #expect(run.states.last == "healthy", "\(run.log)")

        // chronyd: -x, dropped to the chrony user, and none of systemd's variables.
        let chronyd = try #require(run.chronydPIDs.first)
        let argv = try String(contentsOfFile: "/proc/\(chronyd)/cmdline", encoding: .utf8).split(separator: "\0")
        #expect(argv.contains("-x") && argv.contains("-d"))
        #expect(argv.contains("-u") && argv.contains("_chrony"))
        let environ = try String(contentsOfFile: "/proc/\(chronyd)/environ", encoding: .utf8)
        #expect(!environ.contains("NOTIFY_SOCKET") && !environ.contains("WATCHDOG_"))
        #expect(environ.contains("PATH="))

        // The command socket answers (the run directory is owned by chronyd's user, 0750).
        var info = stat()
        #expect(stat(run.runDirectory, &info) == 0 && info.st_mode & 0o777 == 0o750)
        let chronyc = try CapturedRun.run(Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc", arguments: ["-h", run.runDirectory + "/chronyd.sock", "-c", "tracking"],
                                          timeout: .seconds(5))
        #expect(chronyc.status == .exited(0) && chronyc.stdout.hasSuffix(",Normal\n"))

        let readyIndex = try #require(listener.lines.firstIndex(of: "READY=1"))
        try waitUntil(timeout: 30, "three WATCHDOG=1 after READY=1") {
            listener.lines[readyIndex...].filter { $0 == "WATCHDOG=1" }.count >= 3
        }
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        try waitUntil(timeout: 5, "STOPPING=1 arrives") { listener.lines.contains("STOPPING=1") }

        let lines = listener.lines
        let firstStatus = try #require(lines.firstIndex { $0.hasPrefix("STATUS=") })
        let stopping = try #require(lines.firstIndex(of: "STOPPING=1"))
        #expect(firstStatus < readyIndex && readyIndex < stopping)
        #expect(lines.filter { $0 == "READY=1" }.count == 1)
        #expect(lines[readyIndex...].contains { $0.hasPrefix("STATUS=healthy: synchronised to 127.0.0.1") })
        #expect(lines[readyIndex..<stopping].contains("WATCHDOG=1"))
        #expect(!lines[stopping...].contains("WATCHDOG=1") && !lines[stopping...].contains("READY=1"))
        #expect(lines[stopping...].contains("STATUS=stopping: SIGTERM received"))
        #expect(!processExists(chronyd))

        // One line per event, key=value; chronyd's own lines are tagged.
        let log = run.log
        #expect(log.contains(" info chronyd: chronyd version "), "\(log)")
        #expect(log.split(separator: "\n").contains { $0.contains(" chronyd: Selected source 127.0.0.1") && $0.hasSuffix("source=chronyd") })
        #expect(log.contains("chronyvisor: chronyvisor starting ") && log.contains("watchdog=150ms"))
        #expect(log.contains("chronyvisor: ready notify=\"READY=1 sent\" ready_when=synchronised"))
    }

    @Test func readyWhenRunningComesBeforeAnySource() throws {
        // No upstream answers on this port: chronyd runs but never synchronises.
        let scratch = try makeTemporaryDirectory("notify")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let listener = try NotifyListener(abstract: false, directory: scratch)
        defer { listener.close() }
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1:\(TestPorts.next())", "READY_WHEN": "running", "NOTIFY_SOCKET": listener.address])
        try waitUntil(timeout: 30, "READY=1 arrives\n\(run.log)") { listener.lines.contains("READY=1") }
        #expect(run.states == ["starting"], "answering within the start grace, not synchronised: the verdict is starting")
        #expect(listener.messages.contains { $0.hasPrefix("READY=1\nSTATUS=starting: not synchronised") }, "\(listener.messages)")
        run.signal(SIGINT)
        #expect(try run.waitForExit() == .exited(0))
    }
}
