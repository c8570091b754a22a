/// What the monitoring carries from one poll to the next: the state it last announced, whether
/// READY=1 went out, and the last STATUS= line. The decision's only memory.
public struct Announced: Sendable, Equatable {
    /// The node state last entered.
    public var state: NodeState
    /// READY=1 was sent (readiness is reached once and never taken back).
    public var ready: Bool
    /// The last STATUS= line (the state's summary).
    public var statusLine: String

    public init(state: NodeState = .down, ready: Bool = false, statusLine: String = "") {
        self.state = state
        self.ready = ready
        self.statusLine = statusLine
    }
}

/// What a poll tells systemd and the log.
public enum Announcement: Sendable, Equatable {
    /// Nothing changed: the state, readiness and the summary are as announced.
    case none
    /// STATUS= with the new summary (the state changed, or its reasons did: "2 of 3 reachable").
    case status
    /// READY=1 with STATUS=: readiness reached for the first time.
    case ready
}

/// One poll's outcome, decided by `HealthPolicy.decide`: the verdict, what it means for
/// readiness, the node's next state and what to announce. Every publisher (metrics, systemd,
/// the verdict file, the log, the once-when-ready hook) works from this value alone.
public struct PollOutcome: Sendable, Equatable {
    /// The policy's verdict, with the services that failed after they started.
    public var verdict: HealthVerdict
    /// What /readyz answers for `verdict` (`Readiness`).
    public var ready: Bool
    /// The state before this poll, and after it.
    public var previous: NodeState
    public var state: NodeState
    /// The STATUS= line for `state`.
    public var summary: String
    public var announcement: Announcement

    public init(verdict: HealthVerdict, ready: Bool, previous: NodeState, state: NodeState, summary: String,
                announcement: Announcement) {
        self.verdict = verdict
        self.ready = ready
        self.previous = previous
        self.state = state
        self.summary = summary
        self.announcement = announcement
    }

    /// Whether the verdict speaks for the node (not while stopping: `health` then asks /readyz).
    public var recordsVerdict: Bool { state != .stopping }
    /// Whether the poll moved the node to another state.
    public var stateChanged: Bool { previous != state }
}

extension HealthPolicy {
    /// The whole decision after a poll, pure: the verdict for `snapshot` (a service in
    /// `failedServices` — name: error — makes it at least degraded), readiness, the node's
    /// next state after `announced`, and what to announce; returns the outcome and the memory
    /// for the next poll.
    public func decide(_ snapshot: HealthSnapshot, failedServices: [String: String] = [:],
                       after announced: Announced) -> (outcome: PollOutcome, announced: Announced) {
        var verdict = evaluate(snapshot)
        for (name, error) in failedServices.sorted(by: { $0.key < $1.key }) {
            verdict.state = max(verdict.state, .degraded)
            verdict.reasons.append("the \(name) service failed: \(error)")
        }
        let state = NodeState.evaluate(from: announced.state, processAlive: snapshot.chronydRunning != false, verdict: verdict)
        // READY=1 follows the verdict /readyz and `health` give (HEALTH_DEGRADED_OK included).
        let becameReady = !announced.ready && state != .stopping && readiness.meetsReadyCondition(verdict)
        let summary = state.summary(verdict)
        var next = announced
        let announcement: Announcement
        if state != announced.state || becameReady || summary != announced.statusLine {
            next = Announced(state: state, ready: announced.ready || becameReady, statusLine: summary)
            announcement = becameReady ? .ready : .status
        } else {
            announcement = .none
        }
        let outcome = PollOutcome(verdict: verdict, ready: readiness.answer(verdict).ready, previous: announced.state,
                                  state: state, summary: summary, announcement: announcement)
        return (outcome, next)
    }
}
