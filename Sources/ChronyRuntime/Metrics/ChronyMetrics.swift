import ChronyKit
import Prometheus
import Synchronization

/// chronyd's state and chronyvisor's own as Prometheus metrics, with the names and labels of
/// SuperQ/chrony_exporter (`chrony_up`, `chrony_tracking_*`, `chrony_sources_*`,
/// `chrony_sourcestats_*`, `chrony_serverstats_*_total`) so existing dashboards work, plus
/// `chronyvisor_*`. Updated once per poll of chronyd, never per scrape.
///
/// Differences from chrony_exporter, on purpose: no reverse DNS (names are chronyd's own,
/// `chronyc -c` never resolves), and `nts_ke_connections_dropped_total` with underscores
/// (chrony_exporter's `nts-ke_…` is not a valid metric name).
public final class ChronyMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let perSource = Mutex<[String: [Gauge]]>([:])
    private let trackingInfo = Mutex<Gauge?>(nil)
    /// The per-source NTS gauges of the last poll (ChronyMetrics+NTS.swift).
    let ntsGauges = Mutex<[Gauge]>([])
    private let serverCounters = Mutex<[String: (counter: Counter, last: UInt64)]>([:])
    private let up: Gauge
    private let restarts: Counter
    private let pollDuration: DurationHistogram
    private let healthStates: [HealthState: Gauge]

    public init() {
        up = registry.makeGauge(descriptor: Self.descriptor("chrony_up", "Whether chronyd answered the last poll (1) or not (0)."))
        restarts = registry.makeCounter(descriptor: Self.descriptor(
            "chronyvisor_chronyd_restarts_total", "chronyd restarts by chronyvisor after an unrequested exit."))
        pollDuration = registry.makeDurationHistogram(
            descriptor: Self.descriptor("chronyvisor_poll_duration_seconds", "Time taken by one poll of chronyd (one chronyc -c -m process)."),
            buckets: [.milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)])
        var states: [HealthState: Gauge] = [:]
        for state in HealthState.allCases {
            states[state] = registry.makeGauge(
                descriptor: Self.descriptor("chronyvisor_health_state", "1 for the node's current health verdict, 0 for the others."),
                labels: [("state", state.rawValue)])
        }
        healthStates = states
        registry.makeGauge(descriptor: Self.descriptor("chronyvisor_build_info", "chronyvisor's version."),
                           labels: [("version", ChronyvisorVersion.current)]).set(1.0)
    }

    /// Records one poll: chronyd's reports (nil when it did not answer), how long it took,
    /// and the verdict.
    public func record(reports: ReportSet?, pollDuration duration: Duration, verdict: HealthVerdict) {
        up.set(reports?.tracking == nil ? 0.0 : 1.0)
        pollDuration.record(duration)
        for (state, gauge) in healthStates { gauge.set(state == verdict.state ? 1.0 : 0.0) }
        guard let reports else { return }
        if let tracking = reports.tracking { record(tracking) }
        recordSources(reports.sources ?? [], stats: reports.sourcestats ?? [])
        if let serverstats = reports.serverstats { record(serverstats) }
        if let authdata = reports.authdata { recordNTS(authdata) }
    }

    /// Counts one chronyd restart.
    public func recordRestart() {
        restarts.increment()
    }

    /// The Prometheus text exposition of everything.
    public func exposition() -> String {
        registry.emitToString()
    }

    private func gauge(_ name: String, _ help: String, labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }

    /// A full metric name as a descriptor (the names are chrony_exporter's, written out whole).
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private func record(_ t: TrackingReport) {
        let info = gauge("chrony_tracking_info", "chronyd's reference: address, name and reference ID.",
                         labels: [("tracking_address", t.referenceName), ("tracking_name", t.referenceName), ("tracking_refid", t.referenceID.hex)])
        info.set(1.0)
        trackingInfo.withLock { previous in
            if let previous, previous !== info { registry.unregisterGauge(previous) }
            previous = info
        }
        let local = t.referenceID.rawValue == HealthPolicy.localReferenceID
        let values: [(String, String, Double)] = [
            ("chrony_tracking_last_offset_seconds", "Offset of the last clock update in seconds.", t.lastOffset),
            ("chrony_tracking_rms_offset_seconds", "Long-term average of the offset in seconds.", t.rmsOffset),
            ("chrony_tracking_reference_timestamp_seconds", "Time of the last update from the reference (Unix seconds).", t.referenceTime.timeIntervalSince1970),
            ("chrony_tracking_remote_reference", "1 when synchronised to a remote source, 0 for the local clock.", local ? 0 : 1),
            ("chrony_tracking_stratum", "chronyd's stratum.", Double(t.stratum)),
            ("chrony_tracking_system_time_seconds", "Offset of the system clock from NTP time in seconds (positive: slow).", t.systemTime),
            ("chrony_tracking_frequency_ppms", "Frequency error of the system clock in ppm (positive: fast).", t.frequencyPPM),
            ("chrony_tracking_residual_frequency_ppms", "Residual frequency of the reference in ppm.", t.residualFrequencyPPM),
            ("chrony_tracking_skew_ppms", "Error bound of the frequency in ppm.", t.skewPPM),
            ("chrony_tracking_root_delay_seconds", "Total network path delay to the stratum-1 source in seconds.", t.rootDelay),
            ("chrony_tracking_root_dispersion_seconds", "Total dispersion accumulated up to the stratum-1 source in seconds.", t.rootDispersion),
            ("chrony_tracking_update_interval_seconds", "Interval between the last two clock updates in seconds.", t.updateInterval),
            ("chrony_tracking_leap_status", "Leap status: 0 normal, 1 insert second, 2 delete second, 3 not synchronised.", Double(Self.leapCode(t.leapStatus))),
        ]
        for (name, help, value) in values { gauge(name, help).set(value) }
    }

    private func recordSources(_ sources: [SourceReport], stats: [SourceStatsReport]) {
        var current: [String: [Gauge]] = [:]
        for source in sources {
            let labels = [("source_address", source.name), ("source_name", source.name)]
            var gauges: [Gauge] = []
            func set(_ name: String, _ help: String, _ value: Double, _ extra: [(String, String)] = []) {
                let g = gauge(name, help, labels: labels + extra)
                g.set(value)
                gauges.append(g)
            }
            set("chrony_sources_state_info", "Source state (sync, candidate, outlier, unreach, falseticker, jittery) and mode.", 1,
                [("source_state", Self.exporterState(source.state)), ("source_mode", Self.exporterMode(source.mode))])
            set("chrony_sources_stratum", "Stratum of the source.", Double(source.stratum))
            set("chrony_sources_polling_interval_seconds", "Polling interval of the source in seconds.", Self.pow2(source.poll))
            set("chrony_sources_reachability_ratio", "Share of the last eight polls that were answered.", Double(source.reach.nonzeroBitCount) / 8)
            if let lastRx = source.lastRx {
                set("chrony_sources_last_sample_age_seconds", "Age of the last good sample in seconds.", Double(lastRx))
            }
            set("chrony_sources_last_sample_offset_seconds", "Offset of the last sample in seconds.", source.adjustedOffset)
            set("chrony_sources_last_sample_error_margin_seconds", "Error margin of the last sample in seconds.", source.estimatedError)
            if let s = stats.first(where: { $0.name == source.name }) {
                set("chrony_sourcestats_samples", "Sample points retained for the source (NP).", Double(s.samples))
                set("chrony_sourcestats_runs", "Runs of residuals with the same sign (NR).", Double(s.runs))
                if let span = s.span { set("chrony_sourcestats_span_seconds", "Interval between oldest and newest sample in seconds.", Double(span)) }
                set("chrony_sourcestats_frequency_ppms", "Estimated residual frequency of the source in ppm.", s.frequencyPPM)
                set("chrony_sourcestats_frequency_skew_ppms", "Estimated error bound of the frequency in ppm.", s.frequencySkewPPM)
                set("chrony_sourcestats_offset", "Estimated offset of the source in seconds.", s.offset)
                set("chrony_sourcestats_stddev", "Estimated sample standard deviation in seconds.", s.standardDeviation)
            }
            current[source.name, default: []].append(contentsOf: gauges)
        }
        perSource.withLock { previous in
            let kept = Set(current.values.flatMap { $0.map(ObjectIdentifier.init) })
            for gauge in previous.values.flatMap({ $0 }) where !kept.contains(ObjectIdentifier(gauge)) {
                registry.unregisterGauge(gauge)
            }
            previous = current
        }
    }

    private func record(_ s: ServerStatsReport) {
        let counters: [(String, String, UInt64?)] = [
            ("chrony_serverstats_ntp_packets_received_total", "Valid NTP requests received.", s.ntpPacketsReceived),
            ("chrony_serverstats_ntp_packets_dropped_total", "NTP requests dropped by rate limiting.", s.ntpPacketsDropped),
            ("chrony_serverstats_command_packets_received_total", "Command requests received.", s.commandPacketsReceived),
            ("chrony_serverstats_command_packets_dropped_total", "Command requests dropped by rate limiting.", s.commandPacketsDropped),
            ("chrony_serverstats_client_log_records_dropped_total", "Client log records dropped to limit memory.", s.clientLogRecordsDropped),
            ("chrony_serverstats_nts_ke_connections_accepted_total", "NTS-KE connections accepted.", s.ntsKEConnectionsAccepted),
            ("chrony_serverstats_nts_ke_connections_dropped_total", "NTS-KE connections dropped by rate limiting.", s.ntsKEConnectionsDropped),
            ("chrony_serverstats_auhtenticated_ntp_packets_total", "Authenticated NTP requests (name as in chrony_exporter).", s.authenticatedNTPPackets),
            ("chrony_serverstats_interleaved_ntp_packets_total", "NTP requests in interleaved mode.", s.interleavedNTPPackets),
        ]
        serverCounters.withLock { state in
            for (name, help, value) in counters {
                guard let value else { continue }
                let entry = state[name] ?? (registry.makeCounter(descriptor: Self.descriptor(name, help)), 0)
                // chronyd's counters restart from zero with chronyd; ours only go up.
                let delta = value >= entry.last ? value - entry.last : value
                if delta > 0 { entry.counter.increment(by: Int64(clamping: delta)) }
                state[name] = (entry.counter, value)
            }
        }
        gauge("chrony_serverstats_ntp_timestamps_held", "Timestamp pairs held for interleaved clients.").set(Double(s.ntpTimestampsHeld))
        gauge("chrony_serverstats_ntp_timestamp_span", "Interval covered by the held timestamps in seconds.").set(Double(s.ntpTimestampSpan))
    }

    static func leapCode(_ leap: LeapStatus) -> Int {
        switch leap {
        case .normal: return 0
        case .insertSecond: return 1
        case .deleteSecond: return 2
        case .notSynchronised: return 3
        }
    }

    /// chrony_exporter's words for source states (from facebook/time's chrony package).
    static func exporterState(_ state: SourceState) -> String {
        switch state {
        case .selected: return "sync"
        case .combined: return "candidate"
        case .notCombined: return "outlier"
        case .unusable: return "unreach"
        case .falseticker: return "falseticker"
        case .tooVariable: return "jittery"
        }
    }

    static func exporterMode(_ mode: SourceMode) -> String {
        switch mode {
        case .server: return "client"
        case .peer: return "peer"
        case .referenceClock: return "ref"
        }
    }

    static func pow2(_ exponent: Int) -> Double {
        exponent >= 0 ? Double(1 << min(exponent, 62)) : 1 / Double(1 << min(-exponent, 62))
    }
}
