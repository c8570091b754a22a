/// Where a node stands, as the supervisor sees it. The usual path is
/// `down → starting → running → synchronised`, and from there `degraded` or `unsynchronised`
/// when sources go away; `stopping` is entered only by a requested shutdown and never left.
public enum NodeState: String, Sendable, CaseIterable, Codable {
    /// chronyd is not running: it ended and waits for its restart (or was never started).
    case down
    /// chronyd runs; its command socket has not answered yet.
    case starting
    /// chronyd answers but has not synchronised since it started.
    case running
    /// chronyd keeps time from a selected source with every source the role expects reachable.
    case synchronised
    /// chronyd keeps time, but below what the role expects: fewer sources reachable, or no
    /// source selected (serving its local clock or holding over).
    case degraded
    /// chronyd was synchronised since it started and has lost it.
    case unsynchronised
    /// chronyd runs but stopped answering on its command socket.
    case unresponsive
    /// A stop was requested; chronyd is being stopped.
    case stopping

    /// The clock is disciplined by NTP: the node serves good time.
    public var keepsTime: Bool { self == .synchronised || self == .degraded }

    /// chronyd answers on its command socket.
    public var answers: Bool {
        switch self {
        case .running, .synchronised, .degraded, .unsynchronised: return true
        case .down, .starting, .unresponsive, .stopping: return false
        }
    }

    /// Since chronyd last started, it has been synchronised at some point.
    var hasBeenSynchronised: Bool {
        self == .synchronised || self == .degraded || self == .unsynchronised || self == .unresponsive
    }

    /// How many reachable sources a role expects before it counts as fully synchronised:
    /// a gateway every one of its relays (losing one is worth a warning while the others
    /// still agree); a relay its `minsources` (public servers come and go).
    public static func expectedReachableSources(role: Role, settings: ChronySettings) -> Int {
        switch role {
        case .gateway: return max(settings.servers.count, settings.minSources)
        case .relay: return settings.minSources
        }
    }

    /// The state after `observation`, coming from `previous`. Pure: the one place where the
    /// criteria live (the health checks build on it).
    public static func evaluate(from previous: NodeState, role: Role, settings: ChronySettings,
                                observation: Observation) -> NodeState {
        if previous == .stopping { return .stopping }
        guard observation.processAlive else { return .down }
        guard observation.answers else {
            return previous == .down || previous == .starting ? .starting : .unresponsive
        }
        guard observation.leapSynchronised else {
            return previous.hasBeenSynchronised ? .unsynchronised : .running
        }
        let expected = expectedReachableSources(role: role, settings: settings)
        if observation.selectedSource != nil, observation.reachableSources >= expected {
            return .synchronised
        }
        return .degraded
    }

    /// The one-line summary for systemd's STATUS= and the logs.
    public func summary(_ o: Observation) -> String {
        let reach = "\(o.reachableSources) of \(o.sourceCount) sources reachable"
        switch self {
        case .down: return "down: chronyd is not running"
        case .starting: return "starting: waiting for chronyd's command socket"
        case .running: return "running: not synchronised yet, \(reach)"
        case .synchronised:
            return "synchronised: to \(o.selectedSource ?? o.reference ?? "?") at stratum \(o.stratum), \(reach)"
        case .degraded:
            if let selected = o.selectedSource {
                return "degraded: synchronised to \(selected) at stratum \(o.stratum), but only \(reach)"
            }
            return "degraded: no source selected, serving \(o.reference ?? "the local clock") at stratum \(o.stratum), \(reach)"
        case .unsynchronised: return "unsynchronised: lost synchronisation, \(reach)"
        case .unresponsive: return "unresponsive: chronyd runs but does not answer on its command socket"
        case .stopping: return "stopping"
        }
    }
}

/// When the node tells systemd it is ready (READY=1).
public enum ReadyCondition: String, Sendable, CaseIterable {
    /// When chronyd first keeps time (synchronised, or degraded: serving good time all the same).
    case synchronised
    /// As soon as chronyd answers on its command socket.
    case running

    public func isMet(by state: NodeState) -> Bool {
        switch self {
        case .synchronised: return state.keepsTime
        case .running: return state.answers
        }
    }
}
