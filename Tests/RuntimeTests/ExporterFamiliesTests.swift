import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// /metrics holds to the metric table of docs/reference/metrics.md (chrony_exporter's
/// families, ours under `chronyvisor_`): for each serverstats version chrony 4.3–4.8 gives,
/// with and without ntpdata, exactly the table's families appear, with its types and label
/// names; and a real scrape of a synchronised `chronyvisor run` passes `promtool check metrics`.
@Suite struct ExporterFamiliesTests {
    /// One row of the table.
    struct Family: Hashable, CustomStringConvertible {
        var name: String
        var type: String
        var labels: [String]
        var description: String { "\(name) \(type) \(labels.sorted().joined(separator: ","))" }
    }

    /// The page whose table /metrics is held to.
    static let page = "docs/reference/metrics.md"

    static let node = MetricsNode(role: .relay, minSources: 1, thresholds: HealthThresholds())

    /// The table between `<!-- metric-families: chrony_exporter VERSION -->` and
    /// `<!-- /metric-families -->`, by its "Present" column.
    static func table() throws -> [String: [Family]] {
        let page = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent(Self.page), encoding: .utf8)
        let marker = "<!-- metric-families: chrony_exporter \(ChronyExporterVocabulary.exporterVersion) -->"
        guard let start = page.range(of: marker), let end = page.range(of: "<!-- /metric-families -->") else {
            Issue.record("\(Self.page) has no metric table marked \(marker)")
            return [:]
        }
        var rows: [String: [Family]] = [:]
        for line in page[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let unquote = { (s: String) in s.replacingOccurrences(of: "`", with: "") }
            let labels = cells[3].split(separator: ",").map { unquote($0.trimmingCharacters(in: .whitespaces)) }
            rows[cells[4], default: []].append(Family(name: unquote(cells[1]), type: cells[2], labels: labels))
        }
        return rows
    }

    static func expected(_ present: [String]) throws -> Set<String> {
        let table = try table()
        return Set(present.flatMap { table[$0] ?? [] }.map(\.description))
    }

    /// A chronyc capture's `### -c KIND` sections as reports.
    static func reports(_ fixture: String, _ kinds: [ReportKind]) throws -> ReportSet {
        let url = TestPaths.packageRoot.appendingPathComponent("Tests/ChronyKitTests/Fixtures/\(fixture)")
        let text = try String(contentsOf: url, encoding: .utf8)
        var set = ReportSet()
        for kind in kinds {
            // `### -c KIND` or `### -c KIND ADDRESS` (one source's ntpdata).
            guard let marker = text.range(of: "### -c \(kind.rawValue)\n") ?? text.range(of: "### -c \(kind.rawValue) "),
                  let header = text.range(of: "\n", range: marker.lowerBound..<text.endIndex),
                  let rc = text.range(of: "rc=0\n", range: header.upperBound..<text.endIndex) else {
                Issue.record("\(fixture) has no -c \(kind.rawValue)")
                continue
            }
            try set.parse(kind, csv: text[header.upperBound..<rc.lowerBound])
        }
        return set
    }

    /// The exposition's families as "name type labels", after prometheus_client parsed it.
    static func families(_ exposition: String) throws -> Set<String> {
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            text = sys.stdin.read()
            types = dict(l.split(" ", 3)[2:] for l in text.splitlines() if l.startswith("# TYPE "))
            labels = {name: set() for name in types}
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    name = max((t for t in types if s.name == t or s.name.startswith(t + "_")), key=len)
                    labels[name].update(k for k in s.labels if k != "le")
            for name in sorted(types):
                print(name, types[name], ",".join(sorted(labels[name])))
            """
        let output = try pipe(exposition, to: ["python3", "-c", script])
        #expect(output.status == .exited(0), "prometheus_client refused the exposition: \(output.stderr)")
        return Set(output.stdout.split(separator: "\n").map { String($0) })
    }

    static func pipe(_ input: String, to command: [String]) throws -> CapturedRun {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exposition-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt")
        try input.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try CapturedRun.run("/bin/sh", arguments: ["-c", "\(quoted) < '\(file.path)'"], timeout: .seconds(60))
    }

    static func exposition(_ reports: ReportSet) -> String {
        let metrics = ChronyMetrics(node: node)
        metrics.record(reports: reports, pollDuration: .milliseconds(3), verdict: HealthVerdict(state: .healthy, live: true, reasons: []), ready: true)
        return metrics.exposition()
    }

    static func compare(_ actual: Set<String>, _ expected: Set<String>) {
        #expect(actual.subtracting(expected).isEmpty, "not in \(Self.page)'s table: \(actual.subtracting(expected).sorted())")
        #expect(expected.subtracting(actual).isEmpty, "missing from /metrics: \(expected.subtracting(actual).sorted())")
    }

    @Test func tableNamesTheExporterVersionAndValidNames() throws {
        let table = try Self.table()
        let all = table.values.flatMap { $0 }
        #expect(all.count > 50)
        #expect(Set(table.keys) == ["always", "tracking", "per source", "per NTP source", "serverstats", "serverstats 4.4+",
                                    "leap-second list"])
        for family in all {
            #expect(family.name.hasPrefix("chrony_") || family.name.hasPrefix("chronyvisor_"), "\(family.name)")
            #expect(["gauge", "counter", "histogram"].contains(family.type), "\(family)")
            #expect(family.type != "counter" || family.name.hasSuffix("_total"), "\(family)")
        }
    }

    /// chrony 4.3: serverstats reply version 3 (11 fields), ntpdata 34 fields.
    @Test func chrony43WithNtpdata() throws {
        let reports = try Self.reports("chrony-4.3/client.txt", [.tracking, .sources, .sourcestats, .serverstats, .ntpdata])
        let text = Self.exposition(reports)
        Self.compare(try Self.families(text),
                     try Self.expected(["always", "tracking", "per source", "per NTP source", "serverstats"]))
        for sample in [
            #"chrony_tracking_info{tracking_address="127.0.0.1",tracking_name="127.0.0.1",tracking_refid="7F000001"} 1.0"#,
            #"chrony_sources_state_info{source_address="127.0.0.1",source_name="127.0.0.1",source_state="sync",source_mode="client"} 1.0"#,
            #"chrony_sources_state_info{source_address="127.0.0.2",source_name="127.0.0.2",source_state="unreach",source_mode="client"} 1.0"#,
            #"chrony_sources_reachability_success{source_address="127.0.0.1",source_name="127.0.0.1"} 1.0"#,
            #"chrony_sources_reachability_success{source_address="127.0.0.2",source_name="127.0.0.2"} 0.0"#,
            #"chrony_sources_last_sample_age_seconds{source_address="127.0.0.2",source_name="127.0.0.2"} 4294967295.0"#,
            #"chrony_sources_peer_offset_seconds{source_address="127.0.0.1",source_name="127.0.0.1"} -2.2e-07"#,
            #"chrony_sourcestats_span_seconds{source_address="127.0.0.1",source_name="127.0.0.1"} 8.0"#,
            "chrony_serverstats_command_packets_received_total 319",
            "chrony_tracking_remote_reference 1.0",
        ] {
            #expect(text.contains("\n" + sample + "\n"), "missing \(sample) in\n\(text)")
        }
    }

    @Test func chrony43WithoutNtpdataHasNoPeerFamilies() throws {
        let reports = try Self.reports("chrony-4.3/client.txt", [.tracking, .sources, .sourcestats, .serverstats])
        Self.compare(try Self.families(Self.exposition(reports)),
                     try Self.expected(["always", "tracking", "per source", "serverstats"]))
    }

    /// chrony 4.4 and later: serverstats reply version 4 (17 fields).
    @Test func chrony46ServerstatsVersion4() throws {
        let reports = try Self.reports("chrony-4.6/server-local-clients.txt", [.tracking, .sources, .serverstats])
        let text = Self.exposition(reports)
        Self.compare(try Self.families(text), try Self.expected(["always", "tracking", "serverstats", "serverstats 4.4+"]))
        #expect(text.contains("\nchrony_serverstats_ntp_kernel_rx_timestamps_total 219\n"), "\(text)")
        // The local clock: chronyc's empty name is facebook/time's hex reference ID.
        #expect(text.contains(#"chrony_tracking_info{tracking_address="7F7F0101",tracking_name="7F7F0101",tracking_refid="7F7F0101"} 1.0"#))
        #expect(text.contains("\nchrony_tracking_remote_reference 0.0\n"))
    }

    /// A reference clock is a source, named by its reference ID, with no ntpdata families.
    @Test func referenceClockSource() throws {
        let reports = try Self.reports("chrony-4.6/client-refclock-unreachable.txt", [.tracking, .sources, .sourcestats, .ntpdata])
        let text = Self.exposition(reports)
        #expect(text.contains(#"chrony_sources_state_info{source_address="NMEA",source_name="NMEA",source_state="unreach",source_mode="reference clock"} 1.0"#), "\(text)")
        #expect(!text.contains(#"chrony_sources_peer_offset_seconds{source_address="NMEA""#))
        #expect(text.contains(#"chrony_sources_peer_offset_seconds{source_address="127.0.0.1""#))
    }

    /// A real relay synchronised to a real reference on loopback, scraped over HTTP:
    /// `promtool check metrics` prints nothing, and every family of the table for this
    /// chrony version is there.
    @Test func realScrapePassesPromtool() throws {
        guard let promtool = Executables.find("promtool", fallbacks: ["/usr/bin/promtool"]) else {
            Issue.record("promtool (Debian's prometheus package) is not installed: scripts/install-deps.sh installs it")
            return
        }
        let upstream = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_ROLE": "relay", "NTP_SERVERS": "127.0.0.1:\(upstream.port)"])
        defer { run.signal(SIGTERM); _ = try? run.waitForExit() }
        var body = ""
        try waitUntil(timeout: 60, "the relay is synchronised with ntpdata in /metrics\n\(run.log)") {
            body = (try? run.get("/metrics"))?.body ?? ""
            return body.contains(#"source_state="sync""#) && body.contains("chrony_sources_peer_delay_seconds{")
                && body.contains("\nchronyvisor_ready 1.0\n")
        }
        let check = try Self.pipe(body, to: [promtool, "check", "metrics"])
        #expect(check.status == .exited(0), "promtool: \(check.stdout)\(check.stderr)")
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "promtool: \(check.stdout)\(check.stderr)")

        let version = try CapturedRun.run(Executables.find("chronyd", fallbacks: ["/usr/sbin/chronyd"]) ?? "/usr/sbin/chronyd",
                                          arguments: ["-v"], timeout: .seconds(10)).stdout
        let fields = version.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "(" })
        let number = fields.first { $0.first?.isNumber == true }.map { $0.split(separator: ".").compactMap { Int($0) } } ?? [0]
        let v44 = number.count >= 2 && (number[0], number[1]) >= (4, 4)
        Self.compare(try Self.families(body),
                     try Self.expected(["always", "tracking", "per source", "per NTP source", "serverstats", "leap-second list"]
                                       + (v44 ? ["serverstats 4.4+"] : [])))
    }
}
