/// When a gateway's supervisor asks its chronyd for a measurement burst.
///
/// At a cold start of the stand the relays answer "unsynchronised" (leap 3) until they have
/// synchronised themselves, and chronyd backs off from sources that answer so: a gateway
/// started with its relays sat about 3 s longer than needed in a trial here. The supervisor
/// can see (with the SNTP client) the moment enough relays answer synchronised, and a
/// `burst` then gets chronyd synchronised about a second later. Only the gateway does this:
/// its sources are the stand's own relays; a relay's sources are public servers, which are
/// never asked more than chronyd itself asks them.
public struct StartupBurstPolicy: Sendable, Equatable {
    /// Bursts asked for since chronyd last started, and when the last one was.
    public private(set) var count = 0
    public private(set) var last: ContinuousClock.Instant?

    /// At most this many bursts per chronyd start, this far apart (chronyd needs about a
    /// second after a burst to select a source).
    public static let maxBursts = 3
    public static let spacing: Duration = .seconds(3)

    public init() {}

    /// Whether the supervisor should probe the relays now: a gateway whose chronyd answers
    /// but does not keep time yet, with bursts left.
    public func wantsProbe(role: Role, observation: Observation) -> Bool {
        role == .gateway && observation.answers && !observation.leapSynchronised && count < Self.maxBursts
    }

    /// Whether to ask for a burst, given how many relays answered synchronised.
    public func shouldBurst(role: Role, observation: Observation, synchronisedRelays: Int, minSources: Int,
                            now: ContinuousClock.Instant) -> Bool {
        guard wantsProbe(role: role, observation: observation), synchronisedRelays >= minSources else { return false }
        return last.map { now - $0 >= Self.spacing } ?? true
    }

    /// Records a burst asked for at `now`.
    public mutating func record(at now: ContinuousClock.Instant) {
        count += 1
        last = now
    }

    /// chronyd restarted: it gets its own bursts.
    public mutating func reset() {
        self = StartupBurstPolicy()
    }
}
