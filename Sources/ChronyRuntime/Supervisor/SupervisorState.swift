import ChronyKit
import Synchronization
/// What the supervisor knows at one moment: the node's state, the last observation of
/// chronyd, its process and its restarts. A value, copied out of `SupervisorState`.
public struct SupervisorSnapshot: Sendable, Equatable {
    /// The state last entered, READY=1 sent or not, the last STATUS= line: the poll
    /// decision's memory (`HealthPolicy.decide`).
    public var announced = Announced()
    /// The latest poll's findings (`Observation.down` before the first start).
    public var observation: Observation = .down
    /// The running chronyd's pid, nil while it is down.
    public var chronydPID: pid_t?
    /// When the running chronyd was started.
    public var chronydStartedAt: ContinuousClock.Instant?
    /// When the running chronyd last answered a poll (nil: not since it started).
    public var lastAnswerAt: ContinuousClock.Instant?
    /// Restarts of chronyd after an unrequested exit, since `run` started.
    public var restarts = 0
    /// Restarts of chronyd for a SIGHUP reload (never counted as failures).
    public var reloads = 0
    /// Why the last SIGHUP reload was refused (nil: none was, or a later one succeeded).
    public var lastReloadError: String?
    /// Services (by name) that failed after they started, and their error.
    public var failedServices: [String: String] = [:]
    /// When `run` started (monotonic): the start grace counts from here.
    public var startedAt: ContinuousClock.Instant = .now
    /// The reports (tracking and sources) of the latest poll; nil when it got no answer or
    /// chronyd is down.
    public var reports: ReportSet?
    /// When the poll loop last ran (the watchdog's sign of life).
    public var lastPollLoopTick: ContinuousClock.Instant?
    /// The health policy's verdict after the latest poll (nil before the first).
    public var verdict: HealthVerdict?

    public init() {}

    /// The node's state.
    public var state: NodeState { announced.state }
    /// READY=1 was sent (readiness reached once).
    public var ready: Bool {
        get { announced.ready }
        set { announced.ready = newValue }
    }
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
