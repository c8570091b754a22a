import ChronyKit
import Dispatch
import Logging

/// The effects of `StartupBurst`: probes the gateway's relays and asks chronyd for a
/// `burst` through its command socket, on a queue of its own (both block briefly).
public struct StartupAccelerator: Sendable {
    let client: ChronycClient
    let relays: [NTPSource]
    let minSources: Int
    private let queue = DispatchQueue(label: "chronyvisor.burst")

    public init(client: ChronycClient, relays: [NTPSource], minSources: Int) {
        self.client = client
        self.relays = relays
        self.minSources = minSources
    }

    /// One step: when `burst` wants a probe after `observation`, probe the relays and, when enough
    /// answer synchronised, ask chronyd for a burst. Returns the updated bookkeeping.
    func step(_ burst: StartupBurst, observation: Observation, logger: Logger) async -> StartupBurst {
        guard burst.wantsProbe(role: .gateway, observation: observation) else { return burst }
        return await withCheckedContinuation { continuation in
            queue.async {
                var burst = burst
                let synchronised = RelayProbe.synchronisedCount(relays)
                let now = ContinuousClock.now
                if burst.shouldBurst(role: .gateway, observation: observation, synchronisedRelays: synchronised,
                                     minSources: minSources, now: now) {
                    burst.record(at: now)
                    do {
                        try client.command(["burst", "4/4"])
                        logger.info("asked chronyd for a burst", metadata: [
                            "synchronised_relays": "\(synchronised) of \(relays.count)", "burst": "\(burst.count)"])
                    } catch {
                        logger.warning("burst refused", metadata: ["error": "\(error)"])
                    }
                }
                continuation.resume(returning: burst)
            }
        }
    }
}
