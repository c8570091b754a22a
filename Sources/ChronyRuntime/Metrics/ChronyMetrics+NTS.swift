import ChronyKit
import Prometheus

extension ChronyMetrics {
    /// The NTS state of every source in NTS mode, from `chronyc -c authdata`, under
    /// `chronyvisor_nts_source_*{source_address}` (chrony_exporter has no such family).
    /// Gauges of sources gone since the last poll are removed.
    func recordNTS(_ authdata: [AuthDataReport]) {
        var current: [Gauge] = []
        for source in authdata where source.mode == .nts {
            let labels = [("source_address", source.name)]
            let values: [(String, String, Double)] = [
                ("chronyvisor_nts_source_authenticated", "1 while the NTS source holds cookies (its key establishment succeeded), else 0.",
                 source.cookies > 0 ? 1 : 0),
                ("chronyvisor_nts_source_key_establishment_failing", "1 when NTS key establishment with the source was tried and left no cookies (authentication fails).",
                 source.ntsKeyEstablishmentFailing ? 1 : 0),
                ("chronyvisor_nts_source_cookies", "NTS cookies held for the source.", Double(source.cookies)),
                ("chronyvisor_nts_source_key_establishment_attempts", "NTS-KE attempts since the last successful one.", Double(source.keyEstablishmentAttempts)),
                ("chronyvisor_nts_source_naks", "NTS NAKs received from the source (cookies refused).", Double(source.naks)),
            ]
            for (name, help, value) in values {
                let gauge = registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
                gauge.set(value)
                current.append(gauge)
            }
        }
        ntsGauges.withLock { previous in
            let kept = Set(current.map(ObjectIdentifier.init))
            for gauge in previous where !kept.contains(ObjectIdentifier(gauge)) {
                registry.unregisterGauge(gauge)
            }
            previous = current
        }
    }
}
