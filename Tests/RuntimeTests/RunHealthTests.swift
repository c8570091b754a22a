import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// Health against a real `chronyvisor run` (chronyd with -x) and a real reference on
/// loopback: the HTTP endpoints, `chronyvisor health` through the supervisor and without it.
@Suite struct RunHealthTests {
    /// `chronyvisor health` against `run`'s endpoints.
    static func health(_ run: RunningChronyvisor, _ extra: [String] = []) throws -> CapturedRun {
        try runChronyvisor(["health"] + extra, environment: run.environment)
    }

    @Test func healthFollowsSynchronisationAndLossOfSources() throws {
        // The gateway's one relay does not exist yet: a port with nobody behind it.
        let relayPort = TestPorts.next()
        let run = try RunningChronyvisor([
            "NTP_ROLE": "gateway", "NTP_SERVERS": "127.0.0.1:\(relayPort)", "NTP_MIN_SOURCES": "1",
            "HEALTH_START_GRACE": "0",
        ])
        // Live (chronyd answers) but not ready: not synchronised, after the (zero) grace.
        try waitUntil(timeout: 30, "/healthz answers 200\n\(run.log)") { (try? run.get("/healthz"))?.status == 200 }
        let notReady = try run.get("/readyz")
        #expect(notReady.status == 503)
        let answer = try JSONDecoder().decode(HealthAnswer.self, from: Data(notReady.body.utf8))
        #expect(answer.state == .unhealthy)
        #expect(answer.live)
        #expect(answer.summary.contains("not synchronised"))
        let before = try Self.health(run)
        #expect(before.status == .exited(1))
        #expect(before.stdout.hasPrefix("unhealthy: not synchronised"))
        #expect(try Self.health(run, ["--live"]).status == .exited(0))

        // The relay appears: synchronised, ready, `health` exits 0.
        let relay = try LocalChronyd.reference(port: relayPort)
        try waitUntil(timeout: 30, "health exits 0\n\(run.log)") { (try? Self.health(run))?.status == .exited(0) }
        let ready = try run.get("/readyz")
        #expect(ready.status == 200)
        #expect(try Self.health(run).stdout.hasPrefix("healthy: synchronised to 127.0.0.1 (stratum 2)"))
        // A sub-second --timeout (written as settings write durations) still reaches the
        // supervisor, not the direct fallback.
        // (A loaded machine may miss a sub-second deadline once: the point is that it can be met.)
        var quick = try Self.health(run, ["--timeout", "900ms"])
        try waitUntil(timeout: 30, "a 900 ms health check reaches the supervisor: \(quick.stdout)") {
            quick = try Self.health(run, ["--timeout", "900ms"])
            return quick.status == .exited(0) && !quick.stdout.contains("asked chronyd directly")
        }

        let status = try run.get("/status")
        #expect(status.status == 200)
        let overview = try StatusJSON.decode(StatusOverview.self, from: status.body)
        #expect(overview.role == .gateway)
        #expect(overview.verdict?.state == .healthy)
        #expect(overview.sources.first?.state == .selected)
        #expect(overview.tracking.leapStatus == .normal)

        let metrics = try run.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("\nchrony_up 1.0\n"))
        #expect(metrics.body.contains("chronyvisor_health_state{state=\"healthy\"} 1.0"))
        #expect(metrics.body.contains("chrony_sources_state_info{source_address=\"127.0.0.1\""))

        // The relay stops: below NTP_MIN_SOURCES, unhealthy, `health` exits 1 again.
        relay.stop()
        try waitUntil(timeout: 30, "health exits 1 again\n\(run.log)") { (try? Self.health(run))?.status == .exited(1) }
        let after = try Self.health(run)
        #expect(after.stdout.contains("only 0 of 1 relays reachable"), "\(after.stdout)")
        #expect(try run.get("/readyz").status == 503)
        #expect(try run.get("/healthz").status == 200, "chronyd itself is still alive")

        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// `health` reads the verdict file `run` writes after every poll: it answers with nobody
    /// at HEALTH_LISTEN (neither HTTP nor chronyd asked); `health` as the image's
    /// HEALTHCHECK runs it (no argument parser) and `health --timeout 5` (the parser) agree;
    /// `run` removes the file when it ends; a record whose writer is gone, or a stale one, is
    /// ignored and `health` asks on.
    @Test func healthReadsTheSupervisorsVerdictFile() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)"])
        let file = VerdictFile(runDirectory: run.runDirectory)
        try waitUntil(timeout: 30, "the verdict file says healthy\n\(run.log)") {
            (try? String(contentsOfFile: file.path, encoding: .utf8))?.contains("\nstate healthy\n") == true
        }
        let record = try #require(VerdictRecord.parse(try String(contentsOfFile: file.path, encoding: .utf8)))
        #expect(record.pid == run.supervisorPID)
        #expect(record.ready && record.verdict.live)

        var elsewhere = run.environment
        elsewhere["HEALTH_LISTEN"] = "127.0.0.1:\(TestPorts.next())"  // nobody there
        let quick = try runChronyvisor(["health"], environment: elsewhere)
        #expect(quick.status == .exited(0))
        #expect(quick.stdout.hasPrefix("healthy: synchronised to 127.0.0.1"), "\(quick.stdout)")
        // The parser's path reads the same file (the reasons carry the offset, which each poll
        // updates: compare up to it).
        let parsed = try runChronyvisor(["health", "--timeout", "5"], environment: elsewhere)
        #expect(parsed.status == quick.status)
        #expect(parsed.stdout.hasPrefix("healthy: synchronised to 127.0.0.1"), "\(parsed.stdout)")
        #expect(!parsed.stdout.contains("asked chronyd directly"))
        #expect(try runChronyvisor(["health", "--live"], environment: elsewhere).status == .exited(0))

        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        #expect(!FileManager.default.fileExists(atPath: file.path), "run removes its verdict file when it ends")

        // Records that must not be believed; chronyd is gone, so asking on ends unhealthy.
        let healthy = HealthVerdict(state: .healthy, live: true, reasons: ["synchronised to 127.0.0.1 (stratum 2)"])
        let now = SystemExchangeClock().monotonicNanoseconds()
        let untrusted = [
            VerdictRecord(pid: run.supervisorPID, writtenAt: now, staleAfter: 60_000_000_000, verdict: healthy, ready: true),
            VerdictRecord(pid: getpid(), writtenAt: now - 20_000_000_000, staleAfter: 10_000_000_000, verdict: healthy, ready: true),
        ]
        for record in untrusted {
            try file.write(record)
            let answer = try runChronyvisor(["health"], environment: elsewhere)
            #expect(answer.status == .exited(1), "\(record.text)")
            #expect(answer.stdout.contains("asked chronyd directly"), "\(answer.stdout)")
        }
        // The same record, fresh and from a live process, is believed.
        try file.write(VerdictRecord(pid: getpid(), writtenAt: SystemExchangeClock().monotonicNanoseconds(), staleAfter: 60_000_000_000,
                                     verdict: healthy, ready: true))
        let believed = try runChronyvisor(["health"], environment: elsewhere)
        #expect(believed.status == .exited(0))
        #expect(believed.stdout == "healthy: synchronised to 127.0.0.1 (stratum 2)\n")
        file.remove()
    }

    /// Without a supervisor, `health` asks chronyd directly and says so; with chronyd down,
    /// it exits 1 naming the socket.
    @Test func healthWithoutSupervisorAsksChronyd() throws {
        let reference = try LocalChronyd.reference()
        let environment = ["CHRONY_RUN_DIR": reference.directory.path, "HEALTH_LISTEN": "127.0.0.1:\(TestPorts.next())"]
        let direct = try runChronyvisor(["health"], environment: environment)
        #expect(direct.status == .exited(0), "a reference serves its local clock: degraded counts as ready")
        #expect(direct.stdout.hasPrefix("degraded: serving its local clock"))
        #expect(direct.stdout.contains("asked chronyd directly: no supervisor at"))
        let strict = try runChronyvisor(["health", "--health-degraded-ok", "false"], environment: environment)
        #expect(strict.status == .exited(1))
        reference.stop()
        let down = try runChronyvisor(["health", "--live"], environment: environment)
        #expect(down.status == .exited(1))
        #expect(down.stdout.contains(reference.socketPath))
    }

    /// A node bound to its own address (a `bindaddress` drop-in): the served-time check asks
    /// 127.0.0.1 by default and finds nobody (unhealthy, with the reason); given the address
    /// (HEALTH_SERVED_TIME=ADDRESS) it asks there and the node is healthy.
    @Test func servedTimeCheckAsksTheBoundAddress() throws {
        let reference = try LocalChronyd.reference()
        for (servedTime, healthy) in [("true", false), ("127.0.5.1", true)] {
            let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "HEALTH_SERVED_TIME": servedTime,
                                              "HEALTH_START_GRACE": "0"], start: false)
            let dropIns = try #require(run.environment["CHRONY_CONF_DIR"])
            try FileManager.default.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
            try "bindaddress 127.0.5.1\n".write(toFile: dropIns + "/bind.conf", atomically: true, encoding: .utf8)
            try run.start()
            // Unhealthy for the served time, not merely for not being synchronised yet.
            try waitUntil(timeout: 30, "the verdict settles with HEALTH_SERVED_TIME=\(servedTime)\n\(run.log)") {
                let readyz = try run.get("/readyz")
                return readyz.status == (healthy ? 200 : 503)
                    && (healthy || readyz.body.contains("serves no usable time on its own port"))
            }
            let answer = try JSONDecoder().decode(HealthAnswer.self, from: Data(try run.get("/readyz").body.utf8))
            #expect(answer.summary.contains("serves no usable time on its own port") == !healthy, "\(answer.summary)")
            run.signal(SIGTERM)
            #expect(try run.waitForExit() == .exited(0))
        }
    }

    /// An unknown path gets 404; the endpoints never run chronyc per request.
    @Test func endpointsAnswerOnlyTheirPaths() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)"])
        try waitUntil(timeout: 30, "/readyz answers 200\n\(run.log)") { (try? run.get("/readyz"))?.status == 200 }
        #expect(try run.get("/nope").status == 404)
        // A burst of scrapes does not multiply chronyc processes: polls follow POLL_INTERVAL
        // (200 ms here), not the 50 requests.
        let started = Date()
        let pollsBefore = try Self.pollCount(run.get("/metrics").body)
        for _ in 0..<50 { #expect(try run.get("/metrics").status == 200) }
        let pollsAfter = try Self.pollCount(run.get("/metrics").body)
        let elapsedPolls = Int(Date().timeIntervalSince(started) / 0.2) + 2
        #expect(pollsAfter - pollsBefore <= elapsedPolls, "\(pollsAfter - pollsBefore) polls for 50 scrapes")
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }
}

extension RunHealthTests {
    /// The value of chronyvisor_poll_duration_seconds_count in a /metrics body.
    static func pollCount(_ body: String) throws -> Int {
        let line = try #require(body.split(separator: "\n").first { $0.hasPrefix("chronyvisor_poll_duration_seconds_count") })
        return try #require(Int(line.split(separator: " ").last!))
    }
}
