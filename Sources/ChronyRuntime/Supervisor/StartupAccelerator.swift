import ChronyKit
import Logging

/// The effects of `StartupBurst`: probes the gateway's relays and asks chronyd for a
/// `burst` through its command socket (as `BlockingWork`: it blocks briefly).
public struct StartupAccelerator: Sendable {
    let client: ChronycClient
    let relays: [NTPSource]
    let minSources: Int

    public init(client: ChronycClient, relays: [NTPSource], minSources: Int) {
        self.client = client
        self.relays = relays
        self.minSources = minSources
    }

    /// One step: when `burst` wants a probe after `observation`, probe the relays and, when enough
    /// answer synchronised, ask chronyd for a burst. Returns the updated bookkeeping.
    func step(_ burst: StartupBurst, observation: Observation, logger: Logger) async -> StartupBurst {
        guard burst.wantsProbe(role: .gateway, observation: observation) else { return burst }
        var burst = burst
        let synchronised = await RelayProbe.synchronisedCount(relays)
        let now = ContinuousClock.now
        if burst.shouldBurst(role: .gateway, observation: observation, synchronisedRelays: synchronised,
                             minSources: minSources, now: now) {
            burst.record(at: now)
            do {
                try await BlockingWork.run { [client] in try client.command(["burst", "4/4"]) }
                logger.info("asked chronyd for a burst", metadata: [
                    "synchronised_relays": "\(synchronised) of \(relays.count)", "burst": "\(burst.count)"])
            } catch {
                logger.warning("burst refused", metadata: ["error": "\(error)"])
            }
        }
        return burst
    }
}
