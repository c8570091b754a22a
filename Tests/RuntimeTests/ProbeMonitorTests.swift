import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor probe --monitor` as users run it: the built binary, watching real chronyd
/// servers on loopback (always -x) and one port where nothing answers, serving /metrics
/// through the project's HTTP server; stopped with SIGTERM.
@Suite(.serialized) struct ProbeMonitorTests {
    /// A monitor process with its stdout and stderr in a file.
    final class Monitor: @unchecked Sendable {
        let pid: pid_t
        let port: Int
        let logFile: URL
        private var exit: ChildExit?

        init(_ arguments: [String], wrapper: [String] = []) throws {
            port = Int(TestPorts.next())
            logFile = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-monitor-\(getpid())-\(port).log")
            let log = open(logFile.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            defer { close(log) }
            let command = wrapper + [TestPaths.chronyvisor, "probe", "--monitor", "--listen", "127.0.0.1:\(port)"] + arguments
            pid = try ChildReaper.shared.spawn(command[0], arguments: Array(command.dropFirst()),
                                               options: SpawnOptions(stdout: log, stderr: log))
        }

        var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

        func metrics() throws -> String {
            let response = try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/metrics", timeoutMilliseconds: 5000)
            #expect(response.status == 200)
            return response.body
        }

        /// The value of the one sample of `family` whose labels include every pair in `labels`.
        func value(_ family: String, _ labels: [String: String], in text: String) -> Double? {
            for line in text.split(separator: "\n") where line.hasPrefix(family + "{") {
                guard labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
                return line.split(separator: " ").last.flatMap { Double($0) }
            }
            return nil
        }

        func waitForExit(timeout: Double = 30) throws -> ChildExit {
            if let exit { return exit }
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout * testTimeScale * 1000))
            while ContinuousClock.now < deadline {
                if let done = ChildReaper.shared.exitIfFinished(pid) { exit = done; return done }
                usleep(20_000)
            }
            kill(pid, SIGKILL)
            exit = ChildReaper.shared.waitForExit(pid)
            throw TimedOut(what: "the monitor exits\n--- log:\n\(log)")
        }

        deinit {
            if exit == nil { kill(pid, SIGKILL); _ = ChildReaper.shared.waitForExit(pid) }
            try? FileManager.default.removeItem(at: logFile)
        }
    }

    @Test func exportsEveryTargetOfRealChronyd() throws {
        let gateway = try LocalChronyd.reference()
        let relay = try LocalChronyd.reference()
        let silent = TestPorts.next()   // nothing listens there: every request is lost
        let monitor = try Monitor(["gateway=127.0.0.1:\(gateway.port)", "relay=127.0.0.1:\(relay.port)",
                                   "relay=127.0.0.1:\(silent)", "--interval", "0.2", "--timeout", "0.2"])
        var text = ""
        try waitUntil(timeout: 30, "two rounds with samples from both servers\n--- log:\n\(monitor.log)\n--- metrics:\n\(text)") {
            text = (try? monitor.metrics()) ?? ""
            return (monitor.value("chronyvisor_probe_requests_total", ["target": "127.0.0.1:\(relay.port)", "result": "sample"], in: text) ?? 0) >= 2
        }
        for (role, port) in [("gateway", gateway.port), ("relay", relay.port)] {
            let labels = ["target": "127.0.0.1:\(port)", "role": role]
            #expect(monitor.value("chronyvisor_probe_success", labels, in: text) == 1)
            // Every process here reads the same kernel clock: the true offset is zero.
            #expect(abs(monitor.value("chronyvisor_probe_offset_seconds", labels, in: text) ?? 1) < 0.01)
            let delay = try #require(monitor.value("chronyvisor_probe_delay_seconds", labels, in: text))
            #expect(delay > 0 && delay < 0.2)
            #expect(monitor.value("chronyvisor_probe_stratum", labels, in: text) == 1)
            #expect(monitor.value("chronyvisor_probe_leap", labels, in: text) == 0)
            let score = try #require(monitor.value("chronyvisor_probe_score_seconds", labels, in: text))
            #expect(score >= delay / 2 && score < 0.1)
            #expect(monitor.value("chronyvisor_probe_root_distance_seconds", labels, in: text) != nil)
            #expect((monitor.value("chronyvisor_probe_last_success_timestamp_seconds", labels, in: text) ?? 0) > 1.7e9)
        }
        let dead = ["target": "127.0.0.1:\(silent)", "role": "relay"]
        #expect(monitor.value("chronyvisor_probe_success", dead, in: text) == 0)
        #expect((monitor.value("chronyvisor_probe_requests_total", dead.merging(["result": "lost"]) { $1 }, in: text) ?? 0) >= 1)
        #expect(monitor.value("chronyvisor_probe_requests_total", dead.merging(["result": "sample"]) { $1 }, in: text) == 0)
        // A line per answer, with the target after the round number (the demo client's log).
        #expect(monitor.log.contains("] 127.0.0.1:\(gateway.port)  "), "\(monitor.log)")
        #expect(monitor.log.range(of: #"\[[0-9]+\] 127\.0\.0\.1:[0-9]+  .* offset "#, options: .regularExpression) != nil)

        kill(monitor.pid, SIGTERM)
        #expect(try monitor.waitForExit() == .exited(0), "\(monitor.log)")
    }

    @Test func aTargetThatDoesNotResolveIsABadSetting() throws {
        // In a network namespace of its own with no interface up, so that resolving the name
        // asks no DNS server off this machine (it fails at once).
        let monitor = try Monitor(["gateway=chrony-nowhere.invalid", "relay=127.0.0.1"], wrapper: ["/usr/bin/unshare", "--net"])
        #expect(try monitor.waitForExit() == .exited(78), "\(monitor.log)")
        let lines = monitor.log.split(separator: "\n")
        #expect(lines.count == 1, "\(monitor.log)")
        #expect(lines.first?.hasPrefix("chronyvisor: target \"chrony-nowhere.invalid\" does not resolve (") == true, "\(monitor.log)")
    }

    @Test func aListenAddressInUseIsABadSetting() throws {
        let busy = try Monitor(["127.0.0.1", "--interval", "60"])
        try waitUntil(timeout: 30, "the first monitor serves /metrics") { (try? busy.metrics()) != nil }
        let run = try runChronyvisor(["probe", "--monitor", "127.0.0.1", "--listen", "127.0.0.1:\(busy.port)"])
        #expect(run.status == .exited(78), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.hasPrefix("chronyvisor: --listen 127.0.0.1:\(busy.port): expected an address and port this host can listen on"), "\(run.stderr)")
        #expect(!run.stdout.contains("offset"), "nothing probed before the failure: \(run.stdout)")
        kill(busy.pid, SIGTERM)
        #expect(try busy.waitForExit() == .exited(0))
    }

    @Test func usageErrors() throws {
        for arguments in [["probe", "--monitor"], ["probe", "a", "b"], ["probe", "--monitor", "a", "--count", "3"],
                          ["probe", "a", "--listen", "127.0.0.1:9999"], ["probe", "--monitor", "bad host"]] {
            let run = try runChronyvisor(arguments)
            #expect(run.status == .exited(64), "\(arguments): \(run.stdout)\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
        }
    }
}
