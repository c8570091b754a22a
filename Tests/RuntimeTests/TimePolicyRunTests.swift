import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// Time you can trust when time goes wrong, through the real binary and real chronyd (-x) on
/// loopback: readiness through the loss of the selected source, a leap-smearing mix and a
/// leap-second list that cannot be read refused (exit 78), and what `status` and /metrics
/// say about too few servers and the leap-second list.
@Suite struct TimePolicyRunTests {
    /// A leap-seconds.list whose `#@` line says 2026-06-28 (NTP 3991593600).
    static func leapList() throws -> URL {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("leap-seconds-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).list")
        try "#$\t3960835200\n#@\t3991593600\n2272060800\t10\t# 1 Jan 1972\n3692217600\t37\t# 1 Jan 2017\n"
            .write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    // MARK: refused settings

    /// A node whose servers mix leap-smearing and non-smearing services is refused by
    /// `config --check` and by `run` (78, naming the servers and why, nothing started) unless
    /// LEAP_SMEAR_MIX=allow; an unknown LEAP_SMEAR_MIX is refused too. (The server names are
    /// only rendered, never resolved or asked: nothing here leaves the machine.)
    @Test func smearMixIsRefusedUnlessAllowed() throws {
        let mix = ["NTP_SERVERS": "time.google.com,time.cloudflare.com"]
        let check = try runChronyvisor(["config", "--check"], environment: mix)
        #expect(check.status == .exited(78))
        let lines = check.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(check.stderr)")
        #expect(check.stderr.hasPrefix("chronyvisor: invalid NTP_SERVERS=\"time.google.com,time.cloudflare.com\": expected servers that all smear"),
                "\(check.stderr)")
        for words in ["time.google.com (Google Public NTP) smears", "time.cloudflare.com (Cloudflare) does not", "LEAP_SMEAR_MIX=allow"] {
            #expect(check.stderr.contains(words), "\(check.stderr)")
        }
        #expect(check.stdout.isEmpty)

        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-marker-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(marker) }
        let run = try RunningChronyvisor(mix.merging(["CHRONYD_PATH": testScript("fake-chronyd-marker.sh"), "MARKER": marker]) { $1 })
        #expect(try run.waitForExit() == .exited(78))
        #expect(run.log.hasPrefix("chronyvisor: invalid NTP_SERVERS="), "\(run.log)")
        #expect(!FileManager.default.fileExists(atPath: marker), "chronyd was run")
        #expect(!FileManager.default.fileExists(atPath: run.configFile))

        let allowed = try runChronyvisor(["config"], environment: mix.merging(["LEAP_SMEAR_MIX": "allow"]) { $1 })
        #expect(allowed.status == .exited(0), "\(allowed.stderr)")
        #expect(allowed.stdout.contains("\nserver time.google.com iburst") && allowed.stdout.contains("\nserver time.cloudflare.com iburst"))

        let unknown = try runChronyvisor(["config", "--check"], environment: mix.merging(["LEAP_SMEAR_MIX": "yes"]) { $1 })
        #expect(unknown.status == .exited(78))
        #expect(unknown.stderr.hasPrefix("chronyvisor: invalid LEAP_SMEAR_MIX=\"yes\": expected refuse (the default"), "\(unknown.stderr)")
    }

    /// A leap-second list given explicitly that cannot be read or is not one: 78 from
    /// `config --check` and `run`, naming LEAP_SECONDS_LIST and why; nothing started.
    @Test(arguments: [("missing", "cannot be read (No such file or directory)"), ("garbage", "not a leap-seconds.list file")])
    func unreadableLeapListIsRefused(_ kind: String, _ why: String) throws {
        let directory = try makeTemporaryDirectory("leap-list").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/leap-seconds.list"
        if kind == "garbage" { try "Europe/Berlin\n".write(toFile: path, atomically: true, encoding: .utf8) }
        let reference = try LocalChronyd.reference()
        let env = ["NTP_SERVERS": "127.0.0.1:\(reference.port)", "LEAP_SECONDS_LIST": path]
        let check = try runChronyvisor(["config", "--check"], environment: env)
        #expect(check.status == .exited(78))
        #expect(check.stderr.hasPrefix("chronyvisor: invalid LEAP_SECONDS_LIST=\"\(path)\": expected a readable leap-seconds.list file"),
                "\(check.stderr)")
        #expect(check.stderr.contains(why), "\(check.stderr)")
        #expect(check.stderr.split(separator: "\n").count == 1)

        let marker = directory + "/marker"
        let run = try RunningChronyvisor(env.merging(["CHRONYD_PATH": testScript("fake-chronyd-marker.sh"), "MARKER": marker]) { $1 })
        #expect(try run.waitForExit() == .exited(78))
        #expect(run.log.hasPrefix("chronyvisor: invalid LEAP_SECONDS_LIST="), "\(run.log)")
        #expect(!FileManager.default.fileExists(atPath: marker), "chronyd was run")
    }

    // MARK: status and metrics

    /// A relay with one upstream: the warning at start (log), in `status` (text and JSON,
    /// after the health line, chronyc's blocks unchanged) and the leap-second list's expiry
    /// in `status` and /metrics, with no leap second pending.
    @Test func fewServersAndLeapListInStatusAndMetrics() throws {
        let list = try Self.leapList()
        defer { try? FileManager.default.removeItem(at: list) }
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "LEAP_SECONDS_LIST": list.path])
        defer { run.signal(SIGTERM); _ = try? run.waitForExit() }
        try waitUntil(timeout: 60, "the relay is ready\n\(run.log)") { (try? run.get("/readyz"))?.status == 200 }

        let warning = "only 1 upstream server (127.0.0.1:\(reference.port)): a falseticker cannot be detected with fewer than 3"
        #expect(run.log.contains("chronyvisor: \(warning)"), "\(run.log)")

        let status = try runChronyvisor(["status"], environment: run.environment)
        #expect(status.status == .exited(0), "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count > 4 && lines[0].hasPrefix("Role            : relay") && lines[1].hasPrefix("Health          : healthy"))
        #expect(lines[2] == "Warning         : \(warning)", "\(status.stdout)")
        #expect(lines[3] == "Leap list       : EXPIRED on 2026-06-28 (\(list.path))"
                    || lines[3] == "Leap list       : expires 2026-06-28 (\(list.path))"
                    || lines[3].hasPrefix("Leap list       : expires in "), "\(status.stdout)")
        #expect(!status.stdout.contains("Leap second     :"))
        // chronyc's own tracking block follows unchanged, after one blank line.
        #expect(lines[4] == "" && lines[5].hasPrefix("Reference ID    : "), "\(status.stdout)")

        let json = try runChronyvisor(["status", "--json"], environment: run.environment)
        let overview = try StatusJSON.decode(StatusOverview.self, from: json.stdout)
        #expect(overview.warnings == [warning])
        #expect(overview.leapSecondsList?.expires == 1_782_604_800)
        #expect(overview.leapSecondsList?.path == list.path)
        #expect(json.stdout.contains("\"leap_second_pending\" : null"))

        // /status serves the same overview.
        let served = try StatusJSON.decode(StatusOverview.self, from: try run.get("/status").body)
        #expect(served.warnings == [warning])
        #expect(served.leapSecondsList?.expires == 1_782_604_800)

        let metrics = try run.get("/metrics").body
        #expect(metrics.contains("\nchronyvisor_leap_seconds_list_expiry_timestamp_seconds 1782604800.0\n"), "\(metrics)")
        #expect(metrics.contains("\nchronyvisor_leap_second_pending 0.0\n"), "\(metrics)")
    }

    // MARK: failover

    /// The readiness of `run` (a gateway) sampled at every poll.
    struct Sample {
        let at: Double
        let status: Int
        let summary: String
    }

    /// A gateway with three local references (NTP_MIN_SOURCES 2) loses its selected one:
    /// /readyz, sampled at every poll (POLL_INTERVAL 200 ms), stays 200 until chronyd follows
    /// another reference and the lost one counts as unreachable. Then a second reference
    /// stops: below NTP_MIN_SOURCES, /readyz turns 503 (the bound holds). The verdicts seen
    /// are printed for the stand's test to expect.
    @Test func readinessHoldsThroughTheLossOfTheSelectedSource() throws {
        let port = TestPorts.next()
        let addresses = ["127.0.0.71", "127.0.0.72", "127.0.0.73"]
        var references: [String: LocalChronyd] = [:]
        for address in addresses { references[address] = try LocalChronyd.reference(address: address, port: port) }
        let run = try RunningChronyvisor([
            "NTP_ROLE": "gateway", "NTP_MIN_SOURCES": "2",
            "NTP_SERVERS": addresses.map { "\($0):\(port)" }.joined(separator: ","),
        ])
        defer { run.signal(SIGTERM); _ = try? run.waitForExit() }

        func overview() throws -> StatusOverview { try StatusJSON.decode(StatusOverview.self, from: try run.get("/status").body) }
        var selected = ""
        try waitUntil(timeout: 90, "the gateway is ready with three reachable relays\n\(run.log)") {
            let o = try overview()
            selected = o.sources.first { $0.state == .selected }?.name ?? ""
            return (try run.get("/readyz")).status == 200 && !selected.isEmpty
                && o.sources.filter(\.isReachable).count == 3
        }

        references[selected]?.stop()
        let started = ContinuousClock.now
        var samples: [Sample] = []
        var settledAt: Double?
        // Until another reference is selected and the lost one is unreachable, then 5 s more.
        while true {
            let at = (ContinuousClock.now - started).inSeconds
            let ready = try run.get("/readyz")
            let answer = try JSONDecoder().decode(HealthAnswer.self, from: Data(ready.body.utf8))
            samples.append(Sample(at: at, status: ready.status, summary: answer.summary))
            if settledAt == nil, let o = try? overview(),
               let now = o.sources.first(where: { $0.state == .selected }), now.name != selected,
               o.sources.first(where: { $0.name == selected })?.isReachable == false {
                settledAt = at
            }
            if let settledAt, at > settledAt + 5 { break }
            if at > 90 * testTimeScale { break }
            usleep(200_000)
        }
        let notReady = samples.filter { $0.status != 200 }
        #expect(settledAt != nil, "chronyd did not follow another reference within 90 s\n\(run.log)")
        #expect(notReady.isEmpty, "not ready during the failover: \(notReady.map { "\($0.at): \($0.summary)" })")
        #expect(samples.count >= 10)
        print("failover: \(samples.count) samples over \(String(format: "%.1f", samples.last?.at ?? 0)) s, "
              + "settled after \(String(format: "%.1f", settledAt ?? -1)) s, \(notReady.count) not ready; verdicts seen:")
        for summary in Set(samples.map { Self.shape($0.summary) }).sorted() { print("  \(summary)") }

        // A second reference stops: 1 of 3 left, below NTP_MIN_SOURCES: not ready.
        let second = try #require(addresses.first { $0 != selected })
        let lost = ContinuousClock.now
        references[second]?.stop()
        try waitUntil(timeout: 60, "/readyz turns 503 below NTP_MIN_SOURCES\n\(run.log)") { (try? run.get("/readyz"))?.status == 503 }
        let answer = try JSONDecoder().decode(HealthAnswer.self, from: Data(try run.get("/readyz").body.utf8))
        #expect(answer.summary.contains("only 1 of 3 relays reachable and agreeing; NTP_MIN_SOURCES is 2"), "\(answer.summary)")
        print("second relay lost: not ready after \(String(format: "%.1f", (ContinuousClock.now - lost).inSeconds)) s: \(answer.summary)")
    }

    /// The state the loss of a selected source leaves chronyd in, made on purpose: a gateway
    /// polling its three references every 16 s (maxpoll 4, as the stand's gateway at steady
    /// state) has its selected source removed (`chronyc delete`, what a re-resolved or removed
    /// relay amounts to). chronyd 4.3 then has no source selected until a remaining one gives
    /// a sample, keeps leap status Normal and the old reference. The source is removed when
    /// the remaining ones polled within the last 11 s, so that the gap lasts seconds and the
    /// 200 ms samples see it. /readyz stays 200 throughout, and the verdict says reselecting.
    @Test func readinessHoldsWhileChronydHasNoSourceSelected() throws {
        let port = TestPorts.next()
        let addresses = ["127.0.0.74", "127.0.0.75", "127.0.0.76"]
        let references = try addresses.map { try LocalChronyd.reference(address: $0, port: port) }
        let run = try RunningChronyvisor([
            "NTP_ROLE": "gateway", "NTP_MIN_SOURCES": "2", "NTP_MINPOLL": "4", "NTP_MAXPOLL": "4",
            "NTP_SERVERS": addresses.map { "\($0):\(port)" }.joined(separator: ","),
        ])
        defer { run.signal(SIGTERM); _ = try? run.waitForExit(); _ = references }
        func overview() throws -> StatusOverview { try StatusJSON.decode(StatusOverview.self, from: try run.get("/status").body) }

        var selected = ""
        try waitUntil(timeout: 120, "the gateway is ready with three reachable relays, the others polled lately\n\(run.log)") {
            let o = try overview()
            guard (try run.get("/readyz")).status == 200, o.sources.filter(\.isReachable).count == 3,
                  let chosen = o.sources.first(where: { $0.state == .selected }) else { return false }
            selected = chosen.name
            return o.sources.filter { $0.name != chosen.name }.allSatisfy { ($0.lastRx ?? .max) <= 11 }
        }
        let socket = run.runDirectory + "/chronyd.sock"
        let chronyc = Executables.find("chronyc", fallbacks: ["/usr/bin/chronyc"]) ?? "/usr/bin/chronyc"
        let removed = try CapturedRun.run(chronyc, arguments: ["-h", socket, "delete", selected], timeout: .seconds(10))
        #expect(removed.stdout.contains("200 OK"), "\(removed.stdout)\(removed.stderr)")

        let started = ContinuousClock.now
        var samples: [Sample] = []
        var withoutSelection = 0
        var reselectedAt: Double?
        while reselectedAt.map({ (ContinuousClock.now - started).inSeconds < $0 + 3 }) ?? true {
            let at = (ContinuousClock.now - started).inSeconds
            let ready = try run.get("/readyz")
            let answer = try JSONDecoder().decode(HealthAnswer.self, from: Data(ready.body.utf8))
            samples.append(Sample(at: at, status: ready.status, summary: answer.summary))
            let o = try overview()
            if o.sources.contains(where: { $0.state == .selected }) {
                if reselectedAt == nil, withoutSelection > 0 { reselectedAt = at }
            } else {
                withoutSelection += 1
                #expect(o.tracking.leapStatus == .normal)
            }
            if at > 60 * testTimeScale { break }
            usleep(200_000)
        }
        let notReady = samples.filter { $0.status != 200 }
        #expect(withoutSelection > 0, "chronyd never showed no selected source after the delete")
        #expect(reselectedAt != nil, "chronyd selected no other source within 60 s\n\(run.log)")
        #expect(notReady.isEmpty, "not ready while reselecting: \(notReady.map { "\($0.at): \($0.summary)" })")
        #expect(samples.contains { $0.summary.contains("; reselecting: no source selected, last clock update ") && $0.summary.contains("(ready for up to ") },
                "\(samples.map(\.summary))")
        print("no source selected: \(withoutSelection) samples, reselected after \(String(format: "%.1f", reselectedAt ?? -1)) s, "
              + "\(notReady.count) not ready; verdicts seen:")
        for summary in Set(samples.map { Self.shape($0.summary) }).sorted() { print("  \(summary)") }
    }

    /// A summary with its numbers blanked, so that the distinct verdicts can be listed.
    static func shape(_ summary: String) -> String {
        var out = ""
        var inNumber = false
        for c in summary {
            if c.isNumber || (inNumber && (c == "." || c == "+" || c == "-")) {
                if !inNumber { out.append("N") }
                inNumber = true
            } else {
                inNumber = false
                out.append(c)
            }
        }
        return out
    }
}
