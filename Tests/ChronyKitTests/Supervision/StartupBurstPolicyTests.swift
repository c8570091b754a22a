import Testing
@testable import ChronyKit

@Suite struct StartupBurstPolicyTests {
    let now = ContinuousClock.now
    /// chronyd answers but does not keep time yet.
    static let answering = Observation(processAlive: true, answers: true, leapSynchronised: false)

    @Test func gatewayBurstsOnceEnoughRelaysAnswerSynchronised() {
        var burst = StartupBurstPolicy()
        #expect(!burst.shouldBurst(role: .gateway, observation: Self.answering, synchronisedRelays: 1, minSources: 2, now: now))
        #expect(burst.shouldBurst(role: .gateway, observation: Self.answering, synchronisedRelays: 2, minSources: 2, now: now))
        burst.record(at: now)
        // Not again right away: chronyd needs about a second after a burst.
        #expect(!burst.shouldBurst(role: .gateway, observation: Self.answering, synchronisedRelays: 3, minSources: 2, now: now + .seconds(1)))
        #expect(burst.shouldBurst(role: .gateway, observation: Self.answering, synchronisedRelays: 3, minSources: 2, now: now + .seconds(3)))
    }

    @Test func onlyAGatewayThatDoesNotKeepTimeYet() {
        let burst = StartupBurstPolicy()
        #expect(!burst.wantsProbe(role: .relay, observation: Self.answering), "a relay's upstreams are public servers")
        for observation in [Observation.down, .silent, Observation(processAlive: true, answers: true, leapSynchronised: true)] {
            #expect(!burst.wantsProbe(role: .gateway, observation: observation))
        }
        #expect(burst.wantsProbe(role: .gateway, observation: Self.answering))
    }

    @Test func boundedPerChronydStart() {
        var burst = StartupBurstPolicy()
        for i in 0..<StartupBurstPolicy.maxBursts { burst.record(at: now + .seconds(10 * i)) }
        #expect(!burst.wantsProbe(role: .gateway, observation: Self.answering))
        burst.reset()
        #expect(burst.wantsProbe(role: .gateway, observation: Self.answering))
    }
}
