import ChronyKit
import Prometheus
import Synchronization

/// chronyd's state and chronyvisor's own as Prometheus metrics. Every `chrony_*` family is
/// SuperQ/chrony_exporter's (`ChronyExporterVocabulary.exporterVersion`, with its tracking,
/// sources, sources.with-ntpdata, sourcestats and serverstats collectors on): the same names,
/// label names and label values, so its dashboards and alerts work unchanged. Families of
/// our own are `chronyvisor_*`. docs/reference/metrics.md's table lists them all; a test holds this
/// file to it. Updated once per poll of chronyd, never per scrape.
///
/// Differences from chrony_exporter, on purpose: no reverse DNS (names are chronyd's own
/// addresses, as with chrony_exporter's default `--no-collector.dns-lookups`), the
/// serverstats counters keep counting up across chronyd restarts, and
/// `chrony_tracking_remote_reference` is 0 for the local clock (chrony_exporter compares an
/// address chronyd never sends for it, and says 1).
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
    private let ready: Gauge?

    /// - Parameter node: the node's role and health limits, for `chronyvisor_node_info`,
    ///   `chronyvisor_ready` and the limits the alert rules compare with; nil leaves them out.
    public init(node: MetricsNode? = nil) {
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
        if let node {
            ready = registry.makeGauge(descriptor: Self.descriptor(
                "chronyvisor_ready", "1 when the verdict counts as ready (what /readyz answers), else 0."))
            registry.makeGauge(descriptor: Self.descriptor("chronyvisor_node_info", "The node's role (NTP_ROLE)."),
                               labels: [("role", node.role.rawValue)]).set(1.0)
            registry.makeGauge(descriptor: Self.descriptor(
                "chronyvisor_min_sources", "Agreeing sources needed before the clock is updated (NTP_MIN_SOURCES)."))
                .set(Double(node.minSources))
            registry.makeGauge(descriptor: Self.descriptor(
                "chronyvisor_health_max_offset_seconds", "Largest acceptable |offset| (HEALTH_MAX_OFFSET)."))
                .set(node.thresholds.maxOffset)
            registry.makeGauge(descriptor: Self.descriptor(
                "chronyvisor_health_max_root_distance_seconds", "Largest acceptable root distance (HEALTH_MAX_ROOT_DISTANCE)."))
                .set(node.thresholds.maxRootDistance)
        } else {
            ready = nil
        }
        registry.makeGauge(descriptor: Self.descriptor("chronyvisor_build_info", "chronyvisor's version."),
                           labels: [("version", ChronyvisorVersion.current)]).set(1.0)
    }

    /// Records one poll: chronyd's reports (nil when it did not answer), how long it took,
    /// the verdict and whether it counts as ready (`Readiness`: what /readyz answers).
    public func record(reports: ReportSet?, pollDuration duration: Duration, verdict: HealthVerdict, ready isReady: Bool) {
        up.set(reports?.tracking == nil ? 0.0 : 1.0)
        pollDuration.record(duration)
        for (state, gauge) in healthStates { gauge.set(state == verdict.state ? 1.0 : 0.0) }
        ready?.set(isReady ? 1.0 : 0.0)
        guard let reports else { return }
        if let tracking = reports.tracking { record(tracking) }
        recordSources(reports.sources ?? [], stats: reports.sourcestats ?? [], ntpdata: reports.ntpdata)
        if let serverstats = reports.serverstats { record(serverstats) }
        if let authdata = reports.authdata { recordNTS(authdata) }
    }

    /// Records the leap-second list: its expiry, or 0 when it cannot be read (so that the
    /// expiry alert fires for a missing list too). Off: no sample.
    public func record(leapSecondsList state: LeapSecondsListState) {
        let expiry: Double
        switch state {
        case .off: return
        case .read(_, let expires): expiry = Double(expires)
        case .failed: expiry = 0
        }
        gauge("chronyvisor_leap_seconds_list_expiry_timestamp_seconds",
              "When the leap-second list (LEAP_SECONDS_LIST) expires, Unix seconds; 0 when it cannot be read.").set(expiry)
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
        let name = ChronyExporterVocabulary.trackingName(t)
        let info = gauge("chrony_tracking_info", "chronyd's reference: address, name and reference ID.",
                         labels: [("tracking_address", name), ("tracking_name", name), ("tracking_refid", t.referenceID.hex)])
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
            ("chronyvisor_tracking_leap_status", "chronyd's leap status: 0 normal, 1 insert second, 2 delete second, 3 not synchronised.", Double(Self.leapCode(t.leapStatus))),
            ("chronyvisor_leap_second_pending", "1 while chronyd announces a leap second (insert or delete) for the end of this UTC day, else 0.",
             t.leapStatus == .insertSecond || t.leapStatus == .deleteSecond ? 1 : 0),
        ]
        for (name, help, value) in values { gauge(name, help).set(value) }
    }

    /// The per-source families: chrony_exporter's sources collector (with ntpdata's `peer_*`
    /// for NTP sources when the poll read ntpdata) and its sourcestats collector, which lists
    /// chronyd's sourcestats on its own. A source that is gone loses its series.
    private func recordSources(_ sources: [SourceReport], stats: [SourceStatsReport], ntpdata: [NTPDataReport]?) {
        typealias Words = ChronyExporterVocabulary
        var current: [String: [Gauge]] = [:]
        func setter(_ name: String) -> (String, String, Double, [(String, String)]) -> Void {
            let labels = [("source_address", name), ("source_name", name)]
            return { metric, help, value, extra in
                let g = self.gauge(metric, help, labels: labels + extra)
                g.set(value)
                current[name, default: []].append(g)
            }
        }
        for source in sources where Words.listsSource(named: source.name) {
            let set = setter(source.name)
            set("chrony_sources_state_info", "Source state (sync, candidate, outlier, unreach, falseticker, jittery) and mode (client, peer, reference clock).", 1,
                [("source_state", Words.state(source.state)), ("source_mode", Words.mode(source.mode))])
            set("chrony_sources_stratum", "Stratum of the source.", Double(source.stratum), [])
            set("chrony_sources_polling_interval_seconds", "Polling interval of the source in seconds.", Words.powerOfTwo(source.poll), [])
            set("chrony_sources_reachability_ratio", "Share of the last eight polls that were answered.", Words.reachabilityRatio(source.reach), [])
            set("chrony_sources_reachability_success", "1 when the last poll was answered.", Words.reachabilitySuccess(source.reach), [])
            set("chrony_sources_last_sample_age_seconds", "Age of the last good sample in seconds (4294967295: never).",
                source.lastRx.map(Double.init) ?? Words.never, [])
            set("chrony_sources_last_sample_offset_seconds", "Offset of the last sample in seconds, adjusted for slewing since.", source.adjustedOffset, [])
            set("chrony_sources_last_sample_error_margin_seconds", "Error margin of the last sample in seconds.", source.estimatedError, [])
            // chrony_exporter asks ntpdata for every source but reference clocks.
            if source.mode != .referenceClock, let data = ntpdata?.first(where: { $0.remoteAddress == source.name }) {
                set("chrony_sources_peer_offset_seconds", "Offset of the last NTP packet's measurement in seconds.", data.offset, [])
                set("chrony_sources_peer_delay_seconds", "Network delay of the last NTP exchange in seconds.", data.peerDelay, [])
                set("chrony_sources_peer_dispersion_seconds", "Dispersion of the last NTP measurement in seconds.", data.peerDispersion, [])
                set("chrony_sources_peer_response_time_seconds", "Time the source took to answer in seconds.", data.responseTime, [])
                set("chrony_sources_peer_jitter_asymmetry_seconds", "Estimated asymmetry of the network jitter.", data.jitterAsymmetry, [])
            }
        }
        for s in stats where Words.listsSource(named: s.name) {
            let set = setter(s.name)
            set("chrony_sourcestats_samples", "Sample points retained for the source (NP).", Double(s.samples), [])
            set("chrony_sourcestats_runs", "Runs of residuals with the same sign (NR).", Double(s.runs), [])
            set("chrony_sourcestats_span_seconds", "Interval between oldest and newest sample in seconds.", s.span.map(Double.init) ?? Words.never, [])
            set("chrony_sourcestats_frequency_ppms", "Estimated residual frequency of the source in ppm.", s.frequencyPPM, [])
            set("chrony_sourcestats_frequency_skew_ppms", "Estimated error bound of the frequency in ppm.", s.frequencySkewPPM, [])
            set("chrony_sourcestats_offset", "Estimated offset of the source in seconds.", s.offset, [])
            set("chrony_sourcestats_stddev", "Estimated sample standard deviation in seconds.", s.standardDeviation, [])
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
            ("chrony_serverstats_authenticated_ntp_packets_total", "NTP requests authenticated with a symmetric key or NTS.", s.authenticatedNTPPackets),
            ("chrony_serverstats_interleaved_ntp_packets_total", "NTP requests in interleaved mode.", s.interleavedNTPPackets),
            // chrony 4.4 and later (serverstats reply version 4); nil before.
            ("chrony_serverstats_ntp_daemon_rx_timestamps_total", "NTP responses with a receive timestamp captured by chronyd.", s.ntpDaemonRxTimestamps),
            ("chrony_serverstats_ntp_daemon_tx_timestamps_total", "NTP responses with a transmit timestamp captured by chronyd.", s.ntpDaemonTxTimestamps),
            ("chrony_serverstats_ntp_kernel_rx_timestamps_total", "NTP responses with a receive timestamp captured by the kernel.", s.ntpKernelRxTimestamps),
            ("chrony_serverstats_ntp_kernel_tx_timestamps_total", "NTP responses (interleaved) with a transmit timestamp captured by the kernel.", s.ntpKernelTxTimestamps),
            ("chrony_serverstats_ntp_hw_rx_timestamps_total", "NTP responses with a receive timestamp captured by the NIC.", s.ntpHardwareRxTimestamps),
            ("chrony_serverstats_ntp_hw_tx_timestamps_total", "NTP responses (interleaved) with a transmit timestamp captured by the NIC.", s.ntpHardwareTxTimestamps),
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
        gauge("chrony_serverstats_ntp_timestamp_span_seconds", "Interval covered by the held timestamps in seconds.").set(Double(s.ntpTimestampSpan))
    }

    static func leapCode(_ leap: LeapStatus) -> Int {
        switch leap {
        case .normal: return 0
        case .insertSecond: return 1
        case .deleteSecond: return 2
        case .notSynchronised: return 3
        }
    }
}

/// What /metrics says about the node itself: its role and the limits its health verdict
/// uses, so that alert rules compare with the node's own settings.
public struct MetricsNode: Sendable, Equatable {
    public var role: Role
    public var minSources: Int
    public var thresholds: HealthThresholds

    public init(role: Role, minSources: Int, thresholds: HealthThresholds) {
        self.role = role
        self.minSources = minSources
        self.thresholds = thresholds
    }
}
