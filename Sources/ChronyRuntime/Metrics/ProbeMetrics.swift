import ChronyKit
import Prometheus
import Synchronization

/// What `chronyvisor probe --monitor` exports on /metrics, per target, in the style of
/// Prometheus's blackbox exporter: `chronyvisor_probe_success` says whether the last probe of
/// the target gave a time; the other gauges hold the last good sample (read them together with
/// `chronyvisor_probe_success == 1`). Every series has the labels `target` (host[:port] as
/// given) and `role` (from `ROLE=HOST`, else empty). docs/reference/metrics.md lists them.
public final class ProbeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let series: [MonitorTarget: TargetSeries]

    /// The families of one target.
    private struct TargetSeries: Sendable {
        let success: Gauge
        let offset: Gauge
        let delay: Gauge
        let stratum: Gauge
        let leap: Gauge
        let rootDistance: Gauge
        let score: Gauge
        let lastSuccess: Gauge
        let samples: Counter
        let refused: Counter
        let lost: Counter
    }

    public init(targets: [MonitorTarget]) {
        let registry = PrometheusCollectorRegistry()
        var series: [MonitorTarget: TargetSeries] = [:]
        for target in targets {
            let labels = [("target", target.label), ("role", target.role)]
            func gauge(_ name: String, _ help: String) -> Gauge {
                registry.makeGauge(descriptor: ChronyMetrics.descriptor(name, help), labels: labels)
            }
            func counter(_ result: String) -> Counter {
                registry.makeCounter(descriptor: ChronyMetrics.descriptor(
                    "chronyvisor_probe_requests_total", "Requests sent to the target, by what came of them (sample, refused, lost)."),
                    labels: labels + [("result", result)])
            }
            series[target] = TargetSeries(
                success: gauge("chronyvisor_probe_success", "1 when the last request to the target gave a good sample, else 0."),
                offset: gauge("chronyvisor_probe_offset_seconds",
                              "Offset of the target's time from this machine's clock in the last good sample (positive: the target is ahead)."),
                delay: gauge("chronyvisor_probe_delay_seconds", "Round-trip delay of the last good sample."),
                stratum: gauge("chronyvisor_probe_stratum", "Stratum the target announced in the last good sample."),
                leap: gauge("chronyvisor_probe_leap", "Leap indicator the target sent in its last answer: 0 normal, 1 insert second, 2 delete second, 3 not synchronised."),
                rootDistance: gauge("chronyvisor_probe_root_distance_seconds", "Root delay / 2 + root dispersion the target announced in the last good sample."),
                score: gauge("chronyvisor_probe_score_seconds",
                             "The last good sample's maximum error: |offset| + delay / 2 + root delay / 2 + root dispersion (lower is better)."),
                lastSuccess: gauge("chronyvisor_probe_last_success_timestamp_seconds", "When the last good sample arrived (Unix seconds; 0: never)."),
                samples: counter("sample"), refused: counter("refused"), lost: counter("lost"))
        }
        self.registry = registry
        self.series = series
    }

    /// Records what came of one request to `target`; `now` is the arrival time for
    /// `chronyvisor_probe_last_success_timestamp_seconds`.
    public func record(_ outcome: NTPExchangeOutcome?, for target: MonitorTarget, now: UnixTime) {
        guard let s = series[target] else { return }
        switch outcome?.result {
        case .sample(let sample)?:
            s.success.set(1.0)
            s.offset.set(sample.offset)
            s.delay.set(sample.delay)
            s.stratum.set(Double(sample.stratum))
            s.leap.set(Double(sample.leap.rawValue))
            s.rootDistance.set(sample.rootDelay / 2 + sample.rootDispersion)
            s.score.set(sample.score)
            s.lastSuccess.set(Double(now.seconds) + Double(now.nanoseconds) / 1e9)
            s.samples.increment()
        case .refused(_, let packet)?:
            s.success.set(0.0)
            s.leap.set(Double(packet.leap.rawValue))
            s.refused.increment()
        case .noAnswer?, nil:
            s.success.set(0.0)
            s.lost.increment()
        }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        registry.emitToString()
    }
}
