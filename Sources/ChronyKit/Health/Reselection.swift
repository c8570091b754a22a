/// A failover in progress: chronyd has no selected (`*`) source, yet it is not unsynchronised
/// (leap status not `Not synchronised`), serves the last reference, and enough usable sources
/// remain for it to pick one. When the selected source is lost, chronyd 4.3 keeps it selected
/// until it has missed polls (and `run` asks for a `chronyc reselect`, `ReselectPolicy`); then
/// it may spend a while with no source selected until a remaining one gives a sample. That is
/// no loss of synchronisation, and the verdict keeps the node ready through it.
///
/// Bounded by chronyd's own facts: the age of its last clock update (tracking's reference
/// time against the real-time clock, corrected by tracking's system-time offset) may be at
/// most `pollsAllowed` times the longer of tracking's update interval and the longest poll
/// interval of the usable sources: the lost source's missed polls, the reselection and one
/// poll for a fresh sample, and never less than `minimumAllowed`: with the stand's short
/// polls (the gateway asks its relays every 4 s) chronyd took 17 s from the relay's loss to a
/// new selection in the container test, past four polls. At maxpoll 4 (16 s) the bound is
/// 64 s; past it the node is not synchronised. Losing sources below NTP_MIN_SOURCES is unhealthy at once
/// (the policy's source count), whatever this window says.
public struct Reselection: Sendable, Equatable {
    /// Seconds since chronyd last updated its clock.
    public let sinceClockUpdate: Double
    /// The most that is forgiven.
    public let allowed: Double

    /// How many update or poll intervals a reselection may take.
    public static let pollsAllowed = 4.0
    /// The least a reselection is allowed, however short the polls.
    public static let minimumAllowed = 60.0

    /// Whether the last clock update is recent enough.
    public var isWithinBound: Bool { sinceClockUpdate <= allowed }

    /// The reselection `tracking` and the `usable` sources describe at `now` (Unix seconds),
    /// or nil when none is possible: no clock, fewer usable sources than `minSources`, or a
    /// reference time of never.
    public static func evaluate(tracking: TrackingReport, usable: [SourceReport], minSources: Int,
                                now: Double?) -> Reselection? {
        guard let now, usable.count >= max(minSources, 1), tracking.referenceTime != .epoch else { return nil }
        // chronyd's time is the system clock corrected by its offset (positive: the clock is
        // slow); the reference time is in chronyd's time.
        let age = max(0, now + tracking.systemTime - tracking.referenceTime.timeIntervalSince1970)
        let longestPoll = usable.map { powerOfTwo($0.poll) }.max() ?? 0
        return Reselection(sinceClockUpdate: age, allowed: max(minimumAllowed, pollsAllowed * max(tracking.updateInterval, longestPoll)))
    }

    static func powerOfTwo(_ exponent: Int) -> Double {
        let e = min(max(exponent, -30), 30)
        return e >= 0 ? Double(1 << e) : 1 / Double(1 << -e)
    }
}
