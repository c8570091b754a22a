/// Readiness and liveness, decided in this one place: what /readyz and /healthz answer, what
/// `health` prints, what `chronyvisor_ready` says, what the verdict file records and when
/// READY=1 is sent. Every one of them asks this value (through `HealthPolicy.readiness`).
///
/// - ready: the verdict is healthy, or degraded when degraded counts (HEALTH_DEGRADED_OK);
/// - live: chronyd runs and answers on its command socket (`HealthVerdict.live`); on the
///   liveness endpoints "ready" means live;
/// - READY=1: when the verdict is ready (`READY_WHEN=synchronised`) or live (`running`).
public struct Readiness: Sendable, Equatable {
    /// Whether a `degraded` verdict counts as ready (HEALTH_DEGRADED_OK).
    public var degradedIsReady: Bool
    /// When systemd is told READY=1 (READY_WHEN).
    public var readyWhen: ReadyCondition

    public init(degradedIsReady: Bool = true, readyWhen: ReadyCondition = .synchronised) {
        self.degradedIsReady = degradedIsReady
        self.readyWhen = readyWhen
    }

    /// Ready to serve: healthy, or degraded when degraded counts as ready.
    public func isReady(_ verdict: HealthVerdict) -> Bool {
        verdict.state == .healthy || (verdict.state == .degraded && degradedIsReady)
    }

    /// The answer of `/readyz`, or of `/healthz` when `liveness` (ready there means live).
    public func answer(_ verdict: HealthVerdict, liveness: Bool = false) -> HealthAnswer {
        HealthAnswer(verdict, ready: liveness ? verdict.live : isReady(verdict))
    }

    /// Whether `verdict` meets READY_WHEN: the moment READY=1 may be sent.
    public func meetsReadyCondition(_ verdict: HealthVerdict) -> Bool {
        switch readyWhen {
        case .synchronised: return answer(verdict).ready
        case .running: return answer(verdict, liveness: true).ready
        }
    }
}
