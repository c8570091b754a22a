import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// The HTTP endpoints of a real `chronyvisor run` (chronyd with -x, a reference on loopback)
/// under abuse, with the default limits (5 s per request, 30 s idle, 64 connections): a
/// half-closing client is answered, a slowloris is cut off, a crowd of silent connections
/// does not stop /healthz; then a one-minute soak in which fds and memory stay flat.
@Suite(.serialized) struct RunHTTPAbuseTests {
    static func startRun() throws -> (RunningChronyvisor, LocalChronyd) {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "READY_WHEN": "running"])
        try waitUntil(timeout: 60, "/healthz answers\n\(run.log)") { (try? run.get("/healthz")) != nil }
        return (run, reference)
    }

    /// What the abuse test saw (gathered off the cooperative pool, asserted on it).
    struct AbuseObservations: Sendable {
        var halfClosedAnswer = ""
        var slowlorisCutOff = false
        var slowlorisSeconds = 0.0
        var probeStatus = 0
        var exit: ChildExit?
    }

    @Test func abuseIsBoundedAndHealthzKeepsAnswering() async throws {
        // Blocking socket work for half a minute: on a thread of its own, so the cooperative
        // pool stays free for the in-process servers of other suites.
        let seen = try await offPool { try Self.abuse() }
        #expect(seen.halfClosedAnswer.hasPrefix("HTTP/1.1 200 OK") || seen.halfClosedAnswer.hasPrefix("HTTP/1.1 503"), "\(seen.halfClosedAnswer)")
        #expect(seen.halfClosedAnswer.contains("\"state\" : "), "\(seen.halfClosedAnswer)")
        #expect(seen.slowlorisCutOff, "a slowloris was held for 40 s")
        #expect(seen.slowlorisSeconds >= 4, "cut off after \(seen.slowlorisSeconds) s, before the request timeout")
        #expect(seen.probeStatus == 200 || seen.probeStatus == 503, "/healthz at the cap: \(seen.probeStatus)")
        #expect(seen.exit == .exited(0))
    }

    static func abuse() throws -> AbuseObservations {
        let (run, reference) = try startRun()
        _ = reference
        let resident = sockets(run.supervisorPID).count
        var seen = AbuseObservations()

        // Half-close after a complete request (nc -N, socat): answered.
        let halfClosed = try RawTCPConnection(port: run.httpPort)
        halfClosed.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        halfClosed.halfClose()
        seen.halfClosedAnswer = halfClosed.readUntilClosed(timeout: 30).text

        // A slowloris (a header byte every 250 ms) is closed after the 5 s request timeout.
        let slow = try RawTCPConnection(port: run.httpPort)
        slow.send("GET /metrics HTTP/1.1\r\n")
        let start = Date()
        while Date().timeIntervalSince(start) < 40 && !seen.slowlorisCutOff {
            if !slow.send("X") { seen.slowlorisCutOff = true; break }
            var entry = pollfd(fd: slow.fd, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 250) > 0 {
                var byte: UInt8 = 0
                if recv(slow.fd, &byte, 1, 0) <= 0 { seen.slowlorisCutOff = true }
            }
        }
        seen.slowlorisSeconds = Date().timeIntervalSince(start)

        // More silent connections than the cap: the oldest are closed, /healthz still
        // answers, and the server's open connections (its socket fds) stay bounded.
        let crowd = try (0..<100).map { _ in try RawTCPConnection(port: run.httpPort) }
        try waitUntil(timeout: 30, "the oldest silent connections are closed") {
            crowd.prefix(30).allSatisfy { connection in
                var entry = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                return poll(&entry, 1, 0) > 0
            }
        }
        seen.probeStatus = try LoopbackHTTPClient.get(host: "127.0.0.1", port: run.httpPort, path: "/healthz", timeoutMilliseconds: 10_000).status
        try waitUntil(timeout: 30, "the server holds at most 64 connections: \(sockets(run.supervisorPID).count - resident)") {
            sockets(run.supervisorPID).count - resident <= 64 + 1
        }
        withExtendedLifetime(crowd) {}

        run.signal(SIGTERM)
        seen.exit = try run.waitForExit()
        return seen
    }

    /// What the soak measured.
    struct SoakMeasurement: Sendable {
        var rounds = 0
        var fdsBefore = 0, fdsAfter = 0
        var rssBefore = 0, rssAfter = 0
        var answersAfter = false
        var exit: ChildExit?
    }

    /// One minute of scrapes, health checks and abusive connections: chronyvisor's fds and
    /// resident memory after it are where they were after a warm-up (a leak of one fd or a
    /// few kB per request would show over thousands of requests). CHRONYVISOR_SOAK_SECONDS
    /// changes the minute.
    @Test func aMinuteOfTrafficLeavesFdsAndMemoryFlat() async throws {
        let soakSeconds = Double(ProcessInfo.processInfo.environment["CHRONYVISOR_SOAK_SECONDS"] ?? "") ?? 60
        let m = try await offPool { try Self.soak(seconds: soakSeconds) }
        print("soak: \(m.rounds) rounds (\(m.rounds * 8) connections) in \(Int(soakSeconds)) s; fds \(m.fdsBefore) -> \(m.fdsAfter); RSS \(m.rssBefore) -> \(m.rssAfter) kB")
        #expect(m.rounds > 10)
        #expect(m.fdsAfter <= m.fdsBefore + 2, "fds grew from \(m.fdsBefore) to \(m.fdsAfter)")
        // Allocator noise, not growth per request: a quarter or 8 MB, whichever is larger.
        #expect(m.rssAfter <= m.rssBefore + max(m.rssBefore / 4, 8192), "RSS grew from \(m.rssBefore) to \(m.rssAfter) kB")
        #expect(m.answersAfter)
        #expect(m.exit == .exited(0))
    }

    static func soak(seconds soakSeconds: Double) throws -> SoakMeasurement {
        let (run, reference) = try startRun()
        _ = reference
        let pid = run.supervisorPID
        let resident = Set(sockets(pid))  // the listener and chronyvisor's own (to chronyd and the like)
        func connections() -> [String] { sockets(pid).filter { !resident.contains($0) } }

        func round() {
            for path in ["/metrics", "/healthz", "/readyz", "/status", "/nope"] {
                _ = try? LoopbackHTTPClient.get(host: "127.0.0.1", port: run.httpPort, path: path, timeoutMilliseconds: 10_000)
            }
            if let garbage = try? RawTCPConnection(port: run.httpPort) {
                garbage.send([0x16, 0x03, 0x01] + Array("GET / HTTP/1.1\r\n\r\n".utf8))
                _ = garbage.readUntilClosed(timeout: 10)
            }
            if let halfClosed = try? RawTCPConnection(port: run.httpPort) {
                halfClosed.send("GET /healthz HTTP/1.1\r\n\r\n")
                halfClosed.halfClose()
                _ = halfClosed.readUntilClosed(timeout: 10)
            }
            // Abandoned mid-request: the server must drop its side.
            if let abandoned = try? RawTCPConnection(port: run.httpPort) { abandoned.send("GET /met") }
        }
        var m = SoakMeasurement()
        for _ in 0..<20 { round() }
        _ = try? runChronyvisor(["health"], environment: run.environment)
        try waitUntil(timeout: 60, "warm-up connections close: \(connections())") { connections().count <= 1 }
        m.fdsBefore = fdCount(pid)
        m.rssBefore = residentKilobytes(pid)

        let start = Date()
        while Date().timeIntervalSince(start) < soakSeconds {
            round()
            m.rounds += 1
            if m.rounds % 25 == 0 { _ = try? runChronyvisor(["health"], environment: run.environment) }
        }
        try waitUntil(timeout: 60, "abandoned connections close: \(connections())") { connections().count <= 1 }
        m.fdsAfter = fdCount(pid)
        m.rssAfter = residentKilobytes(pid)
        m.answersAfter = (try? run.get("/healthz")) != nil

        run.signal(SIGTERM)
        m.exit = try run.waitForExit()
        return m
    }

    static func fdCount(_ pid: pid_t) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// Every socket chronyvisor holds (its listener, its own to chronyd, the connections).
    static func sockets(_ pid: pid_t) -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
            .filter { $0.hasPrefix("socket:") }
    }

    static func residentKilobytes(_ pid: pid_t) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
