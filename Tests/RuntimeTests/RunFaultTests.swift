import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor run` under the faults systemd and Docker see, with real processes: giving up
/// is a failure status, SIGHUP reloads, a frozen chronyd is replaced, a taken HEALTH_LISTEN is
/// refused at start, READY=1 agrees with /readyz.
@Suite struct RunFaultTests {
    /// A chronyd that exits 0 unasked with RESTART_MAX=0: `run` gives up with 1, not 0.
    @Test func givingUpAfterACleanExitIsAFailure() throws {
        let starts = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-starts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(starts) }
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-exit.sh"), "EXIT_CODE": "0",
            "STARTS": starts, "RESTART_MAX": "0"])
        #expect(try run.waitForExit() == .exited(1))
        let gaveUp = try #require(run.events("chronyd ended and RESTART_MAX is 0: giving up").first)
        #expect(RunningChronyvisor.value("chronyd_status", in: gaveUp) == "0")
        #expect(RunningChronyvisor.value("exit_code", in: gaveUp) == "1")
    }

    /// A real-process sample of the signal sweep: chronyd killed by SIGSEGV, budget 0.
    @Test func givingUpAfterADeathBySignalIs128PlusIt() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "RESTART_MAX": "0",
                                          "READY_WHEN": "running"])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        kill(try #require(run.chronydPIDs.first), SIGSEGV)
        #expect(try run.waitForExit() == .exited(128 + SIGSEGV))
    }

    /// HEALTH_LISTEN on a port another socket holds: exit 78 naming it, chronyd never started.
    @Test func aTakenHealthListenIsRefusedAtStart() throws {
        let holder = try HeldTCPPort()
        let starts = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-starts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(starts) }
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-exit.sh"), "STARTS": starts,
            "HEALTH_LISTEN": "127.0.0.1:\(holder.port)"])
        #expect(try run.waitForExit() == .exited(78))
        #expect(run.log.contains("chronyvisor: invalid HEALTH_LISTEN=\"127.0.0.1:\(holder.port)\": expected an address and port"), "\(run.log)")
        #expect(run.log.contains("Address already in use"))
        #expect(run.chronydPIDs.isEmpty && !FileManager.default.fileExists(atPath: starts), "chronyd never started")
    }

    /// SIGHUP with a bad drop-in: refused, the same chronyd keeps serving; fixed, SIGHUP
    /// restarts chronyd with it; neither counts as a failure (RESTART_MAX=0 would end run).
    @Test func sighupReloadsOrRefusesABadConfiguration() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "RESTART_MAX": "0",
                                          "READY_WHEN": "running"])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        let first = try #require(run.chronydPIDs.first)
        let dropIns = try #require(run.environment["CHRONY_CONF_DIR"])
        try FileManager.default.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
        try "no_such_directive 1\n".write(toFile: dropIns + "/bad.conf", atomically: true, encoding: .utf8)
        run.signal(SIGHUP)
        try run.waitForLog("reload refused")
        let refused = try #require(run.events("reload refused").first)
        #expect(RunningChronyvisor.value("error", in: refused)?.contains("chronyd rejects the configuration") == true, "\(refused)")
        #expect(run.chronydPIDs == [first] && processExists(first))

        unlink(dropIns + "/bad.conf")
        try "# fixed\n".write(toFile: dropIns + "/good.conf", atomically: true, encoding: .utf8)
        run.signal(SIGHUP)
        try waitUntil(timeout: 30, "a second chronyd answers\n\(run.log)") {
            run.chronydPIDs.count == 2 && (try? run.get("/healthz"))?.status == 200
        }
        #expect(!processExists(first))
        #expect(run.events("restarting chronyd").isEmpty && run.events("chronyd ended unasked").isEmpty)
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// A chronyd frozen by SIGSTOP is killed after UNRESPONSIVE_TIMEOUT and replaced.
    @Test func aFrozenChronydIsKilledAndRestarted() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "READY_WHEN": "running",
                                          "UNRESPONSIVE_TIMEOUT": "2s"])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        let frozen = try #require(run.chronydPIDs.first)
        kill(frozen, SIGSTOP)
        try waitUntil(timeout: 60, "a second chronyd answers\n\(run.log)") {
            run.chronydPIDs.count == 2 && (try? run.get("/healthz"))?.status == 200
        }
        let killed = try #require(run.events("chronyd does not answer: killing it").first)
        #expect(RunningChronyvisor.value("pid", in: killed) == "\(frozen)")
        let restart = try #require(run.events("restarting chronyd").first)
        #expect(RunningChronyvisor.value("reason", in: restart)?.hasPrefix("chronyd did not answer for ") == true, "\(restart)")
        #expect(!processExists(frozen))
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// LOCAL_STRATUM with no upstream: the verdict is degraded. With HEALTH_DEGRADED_OK=false
    /// /readyz says 503 and READY=1 is not sent; with true, both say ready.
    @Test(arguments: [false, true])
    func readyFollowsTheVerdict(degradedOK: Bool) throws {
        let scratch = try makeTemporaryDirectory("notify")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let listener = try NotifyListener(abstract: false, directory: scratch)
        defer { listener.close() }
        let run = try RunningChronyvisor([
            "NTP_SERVERS": "127.0.0.1:\(TestPorts.next())", "LOCAL_STRATUM": "10", "HEALTH_START_GRACE": "0",
            "HEALTH_DEGRADED_OK": "\(degradedOK)", "NOTIFY_SOCKET": listener.address])
        try waitUntil(timeout: 30, "the verdict is degraded\n\(run.log)") {
            let body = (try? run.get("/readyz"))?.body ?? ""
            return body.contains("\"state\":\"degraded\"") || body.contains("\"state\" : \"degraded\"")
        }
        // READY=1 is decided in the poll that produced this verdict; three polls later it has
        // long been sent, if it is sent at all.
        let polls = try RunHealthTests.pollCount(run.get("/metrics").body)
        try waitUntil(timeout: 30, "three more polls") { try RunHealthTests.pollCount(run.get("/metrics").body) >= polls + 3 }
        let readyz = try run.get("/readyz")
        #expect(readyz.status == (degradedOK ? 200 : 503))
        #expect(listener.lines.contains("READY=1") == degradedOK, "\(listener.messages)")
        let health = try runChronyvisor(["health"], environment: ["HEALTH_LISTEN": run.environment["HEALTH_LISTEN"]!])
        #expect(health.status == .exited(degradedOK ? 0 : 1))
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }
}

/// A TCP port on 127.0.0.1 held by a listening socket of the test (closed on deinit).
final class HeldTCPPort {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 1) == 0 else {
            if fd >= 0 { close(fd) }
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}
