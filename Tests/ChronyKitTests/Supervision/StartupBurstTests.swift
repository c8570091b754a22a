import Testing
@testable import ChronyKit

@Suite struct StartupBurstTests {
    let now = ContinuousClock.now

    @Test func gatewayBurstsOnceEnoughRelaysAnswerSynchronised() {
        var burst = StartupBurst()
        #expect(!burst.shouldBurst(role: .gateway, state: .running, synchronisedRelays: 1, minSources: 2, now: now))
        #expect(burst.shouldBurst(role: .gateway, state: .running, synchronisedRelays: 2, minSources: 2, now: now))
        burst.record(at: now)
        // Not again right away: chronyd needs about a second after a burst.
        #expect(!burst.shouldBurst(role: .gateway, state: .running, synchronisedRelays: 3, minSources: 2, now: now + .seconds(1)))
        #expect(burst.shouldBurst(role: .gateway, state: .running, synchronisedRelays: 3, minSources: 2, now: now + .seconds(3)))
    }

    @Test func onlyAGatewayThatDoesNotKeepTimeYet() {
        let burst = StartupBurst()
        #expect(!burst.wantsProbe(role: .relay, state: .running), "a relay's upstreams are public servers")
        for state in [NodeState.synchronised, .degraded, .down, .starting, .stopping, .unresponsive] {
            #expect(!burst.wantsProbe(role: .gateway, state: state))
        }
        #expect(burst.wantsProbe(role: .gateway, state: .running))
        #expect(burst.wantsProbe(role: .gateway, state: .unsynchronised))
    }

    @Test func boundedPerChronydStart() {
        var burst = StartupBurst()
        for i in 0..<StartupBurst.maxBursts { burst.record(at: now + .seconds(10 * i)) }
        #expect(!burst.wantsProbe(role: .gateway, state: .running))
        burst.reset()
        #expect(burst.wantsProbe(role: .gateway, state: .running))
    }
}
