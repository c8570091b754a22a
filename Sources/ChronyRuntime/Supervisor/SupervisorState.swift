import ChronyKit
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the supervisor knows at one moment: the node's state, the last observation of
/// chronyd, its process and its restarts. A value, copied out of `SupervisorState`.
public struct SupervisorSnapshot: Sendable, Equatable {
    public var state: NodeState = .down
    /// The last STATUS= line sent (the state's summary).
    public var statusLine = ""
    /// When `state` was entered.
    public var stateSince: ContinuousClock.Instant = .now
    /// The latest poll's findings (`Observation.down` before the first start).
    public var observation: Observation = .down
    /// The running chronyd's pid, nil while it is down.
    public var chronydPID: pid_t?
    /// When the running chronyd was started.
    public var chronydStartedAt: ContinuousClock.Instant?
    /// When the running chronyd last answered a poll (nil: not since it started).
    public var lastAnswerAt: ContinuousClock.Instant?
    /// How the previous chronyd ended, if one did.
    public var lastExit: ChildExit?
    /// Restarts of chronyd after an unrequested exit, since `run` started.
    public var restarts = 0
    /// Restarts of chronyd for a SIGHUP reload (never counted as failures).
    public var reloads = 0
    /// Why the last SIGHUP reload was refused (nil: none was, or a later one succeeded).
    public var lastReloadError: String?
    /// Services (by name) that failed after they started, and their error.
    public var failedServices: [String: String] = [:]
    /// When `run` started (monotonic) and as wall-clock seconds since the epoch.
    public var startedAt: ContinuousClock.Instant = .now
    public var startedAtEpochSeconds: Int = time(nil)
    /// The reports (tracking and sources) of the latest poll; nil when it got no answer or
    /// chronyd is down.
    public var reports: ReportSet?
    /// Why the latest poll got no answer (nil when it got one).
    public var lastPollFailure: String?
    /// How long the latest poll of chronyd took, and when the poll loop last ran.
    public var lastPollDuration: Duration?
    public var lastPollLoopTick: ContinuousClock.Instant?
    /// READY=1 was sent (readiness reached once).
    public var ready = false
    /// The health policy's verdict after the latest poll (nil before the first).
    public var verdict: HealthVerdict?

    public init() {}
}

/// The supervisor's state, shared with whatever reports on it (health endpoints, metrics):
/// thread-safe, read without waiting on the supervisor.
public final class SupervisorState: Sendable {
    private let storage = Mutex(SupervisorSnapshot())

    public init() {}

    /// A copy of the current state.
    public var snapshot: SupervisorSnapshot {
        storage.withLock { $0 }
    }

    /// Changes the state atomically and returns what `body` returns.
    public func update<T: Sendable>(_ body: (inout SupervisorSnapshot) -> T) -> T {
        storage.withLock { body(&$0) }
    }
}
