/// How well a node serves time, from best to worst. `starting` is the start grace: not yet
/// synchronised, but not yet a failure either.
public enum HealthState: String, Sendable, Codable, CaseIterable, Comparable {
    case healthy
    case degraded
    case starting
    case unhealthy

    private var rank: Int {
        switch self {
        case .healthy: return 0
        case .degraded: return 1
        case .starting: return 2
        case .unhealthy: return 3
        }
    }

    public static func < (lhs: HealthState, rhs: HealthState) -> Bool { lhs.rank < rhs.rank }
}

/// The policy's answer: a state, whether chronyd is alive and answering (liveness, kept apart
/// from readiness), and reasons a person can read, most important first.
public struct HealthVerdict: Sendable, Codable, Equatable {
    public var state: HealthState
    /// chronyd runs and answers on its command socket.
    public var live: Bool
    public var reasons: [String]

    public init(state: HealthState, live: Bool, reasons: [String]) {
        self.state = state
        self.live = live
        self.reasons = reasons
    }

    /// One line: "degraded: serving the local clock at stratum 10; …".
    public var summary: String {
        reasons.isEmpty ? state.rawValue : "\(state.rawValue): " + reasons.joined(separator: "; ")
    }
}
