/// When and how often an unrequested chronyd exit is answered with a restart.
///
/// Restarts back off exponentially (`initialDelay`, doubled per failure, capped at `maxDelay`).
/// More than `maxRestarts` failures within `window` exhaust the budget: the supervisor then
/// exits with chronyd's own status so the container runtime's restart policy takes over.
/// `maxRestarts == 0` never restarts (tini's contract: exit with the child).
public struct RestartPolicy: Sendable, Equatable {
    public var maxRestarts: Int
    public var window: Duration
    public var initialDelay: Duration
    public var maxDelay: Duration

    public static let defaultMaxRestarts = 5
    public static let defaultWindow: Duration = .seconds(60)

    public init(maxRestarts: Int = defaultMaxRestarts, window: Duration = defaultWindow,
                initialDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(30)) {
        self.maxRestarts = maxRestarts
        self.window = window
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The wait before the restart that answers the `n`-th failure within the window (n >= 1):
    /// `initialDelay * 2^(n-1)`, at most `maxDelay`.
    public func delay(forFailure n: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(n, 1) {
            delay = delay * 2
            if delay >= maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }
}

/// What to do after chronyd ended without being asked to.
public enum RestartDecision: Sendable, Equatable {
    /// Start chronyd again after this wait.
    case restart(after: Duration)
    /// The budget is spent: exit with this status (chronyd's code, or 128 + signal).
    case giveUp(exitCode: Int32)
}

/// The failures seen so far, as offsets on a monotonic clock (the caller's), and the policy
/// applied to them. A value: the supervisor keeps one and feeds it every unrequested exit.
public struct RestartHistory: Sendable, Equatable {
    public let policy: RestartPolicy
    /// Times of the failures still inside the window, oldest first.
    public private(set) var failures: [Duration] = []

    public init(policy: RestartPolicy) {
        self.policy = policy
    }

    /// Records a failure at `now` (chronyd's exit status `exitCode`: its code or 128 + signal)
    /// and decides. Failures older than the window are forgotten first, so a chronyd that
    /// ran calmly for a window starts again from the shortest delay.
    public mutating func recordFailure(at now: Duration, exitCode: Int32) -> RestartDecision {
        failures.removeAll { now - $0 >= policy.window }
        failures.append(now)
        if failures.count > policy.maxRestarts {
            return .giveUp(exitCode: exitCode)
        }
        return .restart(after: policy.delay(forFailure: failures.count))
    }
}
