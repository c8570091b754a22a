/// When and how often an unrequested chronyd exit is answered with a restart.
///
/// Restarts back off exponentially (`initialDelay`, doubled per failure, capped at `maxDelay`).
/// More than `maxRestarts` failures within `window` exhaust the budget: the supervisor then
/// gives up with a failure status (`giveUpStatus`) so the container runtime's or systemd's
/// restart policy (`on-failure`) takes over. `maxRestarts == 0` never restarts.
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
    /// The budget is spent: exit with this status (`RestartPolicy.giveUpStatus`).
    case giveUp(exitCode: Int32)
}

extension RestartPolicy {
    /// The status `run` exits with when it gives up after chronyd's status `chronydStatus`
    /// (its exit code, or 128 + the signal that killed it): that status, except that a
    /// chronyd that exited 0 unasked still makes a failure (1). Never 0: an NTP service
    /// that stopped must trigger systemd's `Restart=on-failure` and Docker's `on-failure`.
    public static func giveUpStatus(chronydStatus: Int32) -> Int32 {
        chronydStatus == 0 ? 1 : chronydStatus
    }
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
            return .giveUp(exitCode: RestartPolicy.giveUpStatus(chronydStatus: exitCode))
        }
        return .restart(after: policy.delay(forFailure: failures.count))
    }
}
