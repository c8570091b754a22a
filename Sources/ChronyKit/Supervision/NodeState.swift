/// Where a node stands, in the verdict's own words: while chronyd runs, the state is the
/// health verdict's (`starting`, `healthy`, `degraded`, `unhealthy`: what /readyz, `health`,
/// the metrics and STATUS= say); around it, `down` (chronyd is not running: it ended and
/// waits for its restart, or was never started) and `stopping` (a requested shutdown, never
/// left). There is no second classifier: `evaluate` only maps the verdict.
public enum NodeState: String, Sendable, CaseIterable, Codable {
    /// chronyd is not running.
    case down
    /// Within HEALTH_START_GRACE: chronyd does not answer yet, or is not synchronised yet.
    case starting
    /// The verdict is healthy: synchronised, and the role's checks pass.
    case healthy
    /// The verdict is degraded: still serving usable time, below what the role expects.
    case degraded
    /// The verdict is unhealthy: not answering, not synchronised after the grace, or failing
    /// the role's checks.
    case unhealthy
    /// A stop was requested; chronyd is being stopped.
    case stopping

    /// The state for a running chronyd with `verdict`.
    public init(_ verdict: HealthState) {
        switch verdict {
        case .starting: self = .starting
        case .healthy: self = .healthy
        case .degraded: self = .degraded
        case .unhealthy: self = .unhealthy
        }
    }

    /// The state after a poll, coming from `previous`. Pure.
    public static func evaluate(from previous: NodeState, processAlive: Bool, verdict: HealthVerdict) -> NodeState {
        if previous == .stopping { return .stopping }
        guard processAlive else { return .down }
        return NodeState(verdict.state)
    }

    /// The one-line summary for systemd's STATUS= and the logs: the verdict's own summary
    /// while chronyd runs.
    public func summary(_ verdict: HealthVerdict?) -> String {
        switch self {
        case .down: return "down: chronyd is not running"
        case .stopping: return "stopping"
        case .starting, .healthy, .degraded, .unhealthy:
            return verdict?.summary ?? "\(rawValue): no poll of chronyd yet"
        }
    }
}

/// When the node tells systemd it is ready (READY=1).
public enum ReadyCondition: String, Sendable, CaseIterable {
    /// When the verdict first says ready (/readyz's 200: healthy, or degraded with
    /// HEALTH_DEGRADED_OK).
    case synchronised
    /// As soon as chronyd answers on its command socket (the verdict's liveness).
    case running
}
