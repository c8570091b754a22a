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

    @Test func abuseIsBoundedAndHealthzKeepsAnswering() throws {
        let (run, reference) = try Self.startRun()
        _ = reference
        let resident = Self.sockets(run.supervisorPID).count

        // Half-close after a complete request (nc -N, socat): answered.
        let halfClosed = try RawTCPConnection(port: run.httpPort)
        halfClosed.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        halfClosed.halfClose()
        let answer = halfClosed.readUntilClosed(timeout: 30)
        #expect(answer.text.hasPrefix("HTTP/1.1 200 OK") || answer.text.hasPrefix("HTTP/1.1 503"), "\(answer.text)")
        #expect(answer.text.contains("\"state\" : "), "\(answer.text)")

        // A slowloris (a header byte every 250 ms) is closed after the 5 s request timeout.
        let slow = try RawTCPConnection(port: run.httpPort)
        slow.send("GET /metrics HTTP/1.1\r\n")
        let start = Date()
        var cutOff = false
        while Date().timeIntervalSince(start) < 40 && !cutOff {
            if !slow.send("X") { cutOff = true; break }
            var entry = pollfd(fd: slow.fd, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 250) > 0 {
                var byte: UInt8 = 0
                if recv(slow.fd, &byte, 1, 0) <= 0 { cutOff = true }
            }
        }
        #expect(cutOff, "a slowloris was held for 40 s")
        #expect(Date().timeIntervalSince(start) >= 4, "cut off before the request timeout")

        // More silent connections than the cap: /healthz still answers, and the server's
        // open connections (its socket fds) stay bounded.
        let crowd = try (0..<100).map { _ in try RawTCPConnection(port: run.httpPort) }
        try waitUntil(timeout: 30, "the oldest silent connections are closed") {
            crowd.prefix(30).allSatisfy { connection in
                var entry = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                return poll(&entry, 1, 0) > 0
            }
        }
        let probe = try LoopbackHTTPClient.get(host: "127.0.0.1", port: run.httpPort, path: "/healthz", timeoutMilliseconds: 10_000)
        #expect(probe.status == 200 || probe.status == 503, "\(probe)")
        try waitUntil(timeout: 30, "the server holds at most 64 connections: \(Self.sockets(run.supervisorPID).count - resident)") {
            Self.sockets(run.supervisorPID).count - resident <= 64 + 1
        }
        withExtendedLifetime(crowd) {}

        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// One minute of scrapes, health checks and abusive connections: chronyvisor's fds and
    /// resident memory after it are where they were after the first round (a leak of one fd
    /// or a few kB per request would show over thousands of requests).
    @Test func aMinuteOfTrafficLeavesFdsAndMemoryFlat() throws {
        let (run, reference) = try Self.startRun()
        _ = reference
        let pid = run.supervisorPID
        let resident = Set(Self.sockets(pid))  // the listener and chronyvisor's own (to chronyd and the like)
        func connections() -> [String] { Self.sockets(pid).filter { !resident.contains($0) } }
        let soakSeconds = Double(ProcessInfo.processInfo.environment["CHRONYVISOR_SOAK_SECONDS"] ?? "") ?? 60

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
        for _ in 0..<20 { round() }
        _ = try? runChronyvisor(["health"], environment: run.environment)
        // Let the abandoned connections of the warm-up time out, then take the baseline.
        try waitUntil(timeout: 60, "warm-up connections close: \(connections())") { connections().count <= 1 }
        let fdsBefore = Self.fdCount(pid)
        let rssBefore = Self.residentKilobytes(pid)

        let start = Date()
        var rounds = 0
        while Date().timeIntervalSince(start) < soakSeconds {
            round()
            rounds += 1
            if rounds % 25 == 0 { _ = try? runChronyvisor(["health"], environment: run.environment) }
        }
        try waitUntil(timeout: 60, "abandoned connections close: \(connections())") { connections().count <= 1 }
        let fdsAfter = Self.fdCount(pid)
        let rssAfter = Self.residentKilobytes(pid)
        print("soak: \(rounds) rounds (\(rounds * 8) connections) in \(Int(soakSeconds)) s; fds \(fdsBefore) -> \(fdsAfter); RSS \(rssBefore) -> \(rssAfter) kB")
        #expect(rounds > 10)
        #expect(fdsAfter <= fdsBefore + 2, "fds grew from \(fdsBefore) to \(fdsAfter)")
        // Allocator noise, not growth per request: a quarter or 8 MB, whichever is larger.
        #expect(rssAfter <= rssBefore + max(rssBefore / 4, 8192), "RSS grew from \(rssBefore) to \(rssAfter) kB")
        #expect((try? run.get("/healthz"))?.status != nil)

        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
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
