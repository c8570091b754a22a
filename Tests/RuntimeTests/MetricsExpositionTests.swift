import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// /metrics' text is accepted by a real Prometheus text parser (prometheus_client's, from
/// Python) and carries chrony_exporter's names and labels.
@Suite struct MetricsExpositionTests {
    static let fixtures = TestPaths.packageRoot.appendingPathComponent("Tests/ChronyKitTests/Fixtures/health")

    static func reports(_ state: String) throws -> ReportSet {
        var set = ReportSet()
        for kind in [ReportKind.tracking, .sources, .sourcestats] {
            let csv = try String(contentsOf: fixtures.appendingPathComponent("\(state).\(kind.rawValue).csv"), encoding: .utf8)
            try set.parse(kind, csv: Substring(csv))
        }
        return set
    }

    /// Parses `text` with prometheus_client and returns "name{label=value,...} value" lines, sorted.
    static func parsedByPrometheusClient(_ text: String) throws -> [String] {
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    print(f"{family.type} {s.name}{{{labels}}} {s.value}")
            """
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt")
        try text.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let run = try CapturedRun.run("/bin/sh", arguments: ["-c", "python3 -c '\(script)' < '\(input.path)'"], timeout: .seconds(30))
        #expect(run.status == .exited(0), "prometheus_client refused the exposition: \(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func exporterNamesParseWithPrometheusClient() throws {
        let metrics = ChronyMetrics()
        metrics.recordRestart()
        metrics.record(reports: try Self.reports("gateway-synchronised"), pollDuration: .milliseconds(3),
                       verdict: HealthVerdict(state: .healthy, live: true, reasons: []), ready: true)
        let samples = try Self.parsedByPrometheusClient(metrics.exposition())
        let text = samples.joined(separator: "\n")
        for expected in [
            "gauge chrony_up{} 1.0",
            "gauge chrony_tracking_stratum{} 2.0",
            "gauge chrony_tracking_info{tracking_address=127.0.0.61,tracking_name=127.0.0.61,tracking_refid=7F00003D} 1.0",
            "gauge chrony_sources_state_info{source_address=127.0.0.61,source_mode=client,source_name=127.0.0.61,source_state=sync} 1.0",
            "gauge chrony_sources_state_info{source_address=127.0.0.62,source_mode=client,source_name=127.0.0.62,source_state=candidate} 1.0",
            "gauge chrony_sources_stratum{source_address=127.0.0.63,source_name=127.0.0.63} 1.0",
            "gauge chrony_sources_polling_interval_seconds{source_address=127.0.0.63,source_name=127.0.0.63} 0.25",
            "gauge chrony_sourcestats_samples{source_address=127.0.0.61,source_name=127.0.0.61} 12.0",
            "gauge chronyvisor_health_state{state=healthy} 1.0",
            "gauge chronyvisor_health_state{state=unhealthy} 0.0",
            "counter chronyvisor_chronyd_restarts_total{} 1",
            "gauge chronyvisor_build_info{version=\(ChronyvisorVersion.current)} 1.0",
        ] {
            #expect(samples.contains(expected), "missing \(expected) in\n\(text)")
        }
        #expect(text.contains("histogram chronyvisor_poll_duration_seconds_bucket{le=0.005}"))
        #expect(text.contains("chrony_tracking_last_offset_seconds{}"))
        #expect(text.contains("chrony_tracking_root_dispersion_seconds{}"))
    }

    /// A source that disappears from chronyd's list disappears from /metrics too, and the
    /// verdict gauge follows the verdict.
    @Test func vanishedSourcesAreRemoved() throws {
        let metrics = ChronyMetrics()
        metrics.record(reports: try Self.reports("gateway-synchronised"), pollDuration: .milliseconds(3),
                       verdict: HealthVerdict(state: .healthy, live: true, reasons: []), ready: true)
        metrics.record(reports: try Self.reports("relay-synchronised"), pollDuration: .milliseconds(3),
                       verdict: HealthVerdict(state: .degraded, live: true, reasons: []), ready: true)
        let samples = try Self.parsedByPrometheusClient(metrics.exposition())
        #expect(!samples.contains { $0.contains("127.0.0.61") && $0.contains("chrony_sources_") })
        #expect(samples.contains { $0.contains("chrony_sources_stratum{source_address=127.0.0.73") })
        #expect(samples.contains("gauge chronyvisor_health_state{state=degraded} 1.0"))
        #expect(samples.contains("gauge chronyvisor_health_state{state=healthy} 0.0"))
    }

    /// chronyd not answering: chrony_up 0 and nothing stale claimed about tracking's state.
    @Test func chronydDownSetsUpToZero() throws {
        let metrics = ChronyMetrics()
        metrics.record(reports: nil, pollDuration: .milliseconds(1),
                       verdict: HealthVerdict(state: .unhealthy, live: false, reasons: ["x"]), ready: false)
        let samples = try Self.parsedByPrometheusClient(metrics.exposition())
        #expect(samples.contains("gauge chrony_up{} 0.0"))
        #expect(samples.contains("gauge chronyvisor_health_state{state=unhealthy} 1.0"))
    }
}
