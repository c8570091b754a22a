import ChronyKit
import Logging
import Synchronization

/// The effects of `StartupBurstPolicy`, after each poll of a gateway: probes its relays and asks
/// chronyd for a `burst` through its command socket (as `BlockingWork`: it blocks briefly).
/// Keeps the bursts of the running chronyd (a restarted one gets its own).
public final class StartupBurstAction: AfterPollAction {
    let client: ChronycClient
    let relays: [NTPSource]
    let minSources: Int
    let logger: Logger
    /// The bursts asked of the chronyd with this pid.
    private let books = Mutex<(burst: StartupBurstPolicy, pid: pid_t?)>((StartupBurstPolicy(), nil))

    public init(client: ChronycClient, relays: [NTPSource], minSources: Int, logger: Logger) {
        self.client = client
        self.relays = relays
        self.minSources = minSources
        self.logger = logger
    }

    /// The action a node's settings call for: a gateway's, nil for a relay.
    public static func forNode(_ settings: ChronySettings, client: ChronycClient, logger: Logger) -> StartupBurstAction? {
        settings.role == .gateway
            ? StartupBurstAction(client: client, relays: settings.servers, minSources: settings.minSources, logger: logger)
            : nil
    }

    public func wantsBriskPolls(after observation: Observation) -> Bool {
        books.withLock { $0.burst }.wantsProbe(role: .gateway, observation: observation)
    }

    /// One step: when the burst wants a probe after the poll, probe the relays and, when enough
    /// answer synchronised, ask chronyd for a burst.
    public func afterPoll(_ reading: ChronydReading, pid: pid_t) async {
        let observation = reading.observation
        let burst = books.withLock { b -> StartupBurstPolicy in
            if b.pid != pid { b = (StartupBurstPolicy(), pid) }
            return b.burst
        }
        guard burst.wantsProbe(role: .gateway, observation: observation) else { return }
        let synchronised = await RelayProbe.synchronisedCount(relays)
        let now = ContinuousClock.now
        guard burst.shouldBurst(role: .gateway, observation: observation, synchronisedRelays: synchronised,
                                minSources: minSources, now: now) else { return }
        let count = books.withLock { b -> Int in
            b.burst.record(at: now)
            return b.burst.count
        }
        do {
            try await BlockingWork.run { [client] in try client.command(["burst", "4/4"]) }
            logger.info("asked chronyd for a burst", metadata: [
                "synchronised_relays": "\(synchronised) of \(relays.count)", "burst": "\(count)"])
        } catch {
            logger.warning("burst refused", metadata: ["error": "\(error)"])
        }
    }
}
