/// How long the poll loop waits before its next poll: briskly while readiness is pending, so
/// READY=1 does not wait a whole POLL_INTERVAL, then every POLL_INTERVAL. A value like
/// `RestartPolicy`: the loop keeps one and asks it after every poll.
///
/// - chronyd down, or not answered since it started: every 100 ms (no chronyc runs while it
///   is down: a tick costs nothing), and the ramp starts again;
/// - a gateway probing its relays for the start-up burst (`StartupBurstPolicy`): every 250 ms;
/// - answering but not ready yet: 250 ms, 500 ms, 1 s … doubling up to POLL_INTERVAL;
/// - ready: POLL_INTERVAL.
/// Never longer than POLL_INTERVAL (which may be below 100 ms).
public struct PollSchedule: Sendable, Equatable {
    /// Where the node stands after a poll, as far as the schedule cares.
    public enum Phase: Sendable, Equatable, CaseIterable {
        case waitingForAnswer
        case probingRelays
        case awaitingReadiness
        case ready
    }

    /// POLL_INTERVAL.
    public let interval: Duration
    /// The next wait while readiness is pending.
    public private(set) var ramp: Duration = Self.firstRamp

    public static let answerTick: Duration = .milliseconds(100)
    public static let probeTick: Duration = .milliseconds(250)
    public static let firstRamp: Duration = .milliseconds(250)

    public init(interval: Duration) {
        self.interval = interval
    }

    /// The wait before the next poll, after a poll that left the node in `phase`.
    public mutating func next(_ phase: Phase) -> Duration {
        let wait: Duration
        switch phase {
        case .waitingForAnswer:
            wait = Self.answerTick
            ramp = Self.firstRamp
        case .probingRelays:
            wait = Self.probeTick
        case .awaitingReadiness:
            wait = ramp
            ramp = min(ramp * 2, interval)
        case .ready:
            wait = interval
        }
        return min(wait, interval)
    }
}
