/// The body of `/healthz` and `/readyz`: the verdict plus whether the endpoint says ready,
/// and the one-line summary `chronyvisor health` prints.
public struct HealthAnswer: Sendable, Codable, Equatable {
    public var state: HealthState
    public var live: Bool
    public var ready: Bool
    public var summary: String
    public var reasons: [String]

    /// The verdict with what the endpoint says (`Readiness.answer` decides `ready`).
    public init(_ verdict: HealthVerdict, ready: Bool) {
        state = verdict.state
        live = verdict.live
        self.ready = ready
        summary = verdict.summary
        reasons = verdict.reasons
    }

    public var verdict: HealthVerdict {
        HealthVerdict(state: state, live: live, reasons: reasons)
    }
}
