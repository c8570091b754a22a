import Testing
@testable import ChronyKit

@Suite struct NodeStateTests {
    let relay = try! ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS": "a.example,b.example"]))
    let gateway = try! ChronySettings.resolve(SettingsSource(environment: [
        "NTP_ROLE": "gateway", "NTP_SERVERS": "relay1,relay2,relay3"]))

    func synced(reachable: Int, of count: Int, selected: String? = "10.0.0.1") -> Observation {
        Observation(processAlive: true, answers: true, leapSynchronised: true, reference: "10.0.0.1", stratum: 2,
                    selectedSource: selected, reachableSources: reachable, sourceCount: count)
    }
    let unsynced = Observation(processAlive: true, answers: true, leapSynchronised: false, reachableSources: 0, sourceCount: 2)

    func next(_ from: NodeState, _ o: Observation, _ s: ChronySettings? = nil) -> NodeState {
        let settings = s ?? relay
        return NodeState.evaluate(from: from, role: settings.role, settings: settings, observation: o)
    }

    @Test func theUsualPathFromStartToSynchronised() {
        #expect(next(.down, .silent) == .starting)
        #expect(next(.starting, .silent) == .starting)
        #expect(next(.starting, unsynced) == .running)
        #expect(next(.running, unsynced) == .running)
        #expect(next(.running, synced(reachable: 1, of: 2)) == .synchronised)
    }

    @Test func losingSynchronisationIsUnsynchronisedNotRunning() {
        #expect(next(.synchronised, unsynced) == .unsynchronised)
        #expect(next(.degraded, unsynced) == .unsynchronised)
        #expect(next(.unsynchronised, unsynced) == .unsynchronised)
        #expect(next(.unsynchronised, synced(reachable: 2, of: 2)) == .synchronised)
    }

    @Test func aDeadProcessIsDownFromAnyStateButStopping() {
        for state in NodeState.allCases where state != .stopping {
            #expect(next(state, .down) == .down)
        }
        #expect(next(.stopping, .down) == .stopping)
        #expect(next(.stopping, synced(reachable: 2, of: 2)) == .stopping)
    }

    @Test func aSocketThatStopsAnsweringIsUnresponsive() {
        #expect(next(.synchronised, .silent) == .unresponsive)
        #expect(next(.running, .silent) == .unresponsive)
        #expect(next(.unresponsive, unsynced) == .unsynchronised)
    }

    @Test func aRelayNeedsItsMinSourcesAGatewayEveryRelay() {
        // relay: minsources 1 → one of two public servers reachable is enough.
        #expect(next(.running, synced(reachable: 1, of: 2)) == .synchronised)
        // gateway: minsources 2 of 3 relays keeps time, but losing one relay is degraded.
        #expect(next(.running, synced(reachable: 3, of: 3), gateway) == .synchronised)
        #expect(next(.synchronised, synced(reachable: 2, of: 3), gateway) == .degraded)
        #expect(next(.degraded, synced(reachable: 3, of: 3), gateway) == .synchronised)
    }

    @Test func keepingTimeWithoutASelectedSourceIsDegraded() {
        // `local stratum N orphan`: leap Normal, reference LOCAL, no source selected.
        let local = Observation(processAlive: true, answers: true, leapSynchronised: true, reference: "LOCAL",
                                stratum: 10, selectedSource: nil, reachableSources: 0, sourceCount: 2)
        #expect(next(.synchronised, local) == .degraded)
        #expect(NodeState.degraded.summary(local).contains("serving LOCAL at stratum 10"))
    }

    @Test func readinessFollowsTheConfiguredCondition() {
        #expect(ReadyCondition.synchronised.isMet(by: .synchronised))
        #expect(ReadyCondition.synchronised.isMet(by: .degraded))
        #expect(!ReadyCondition.synchronised.isMet(by: .running))
        #expect(ReadyCondition.running.isMet(by: .running))
        #expect(!ReadyCondition.running.isMet(by: .starting))
        #expect(!ReadyCondition.running.isMet(by: .stopping))
    }

    @Test func summariesNameTheStateAndTheSources() {
        let o = synced(reachable: 1, of: 2)
        #expect(NodeState.synchronised.summary(o) == "synchronised: to 10.0.0.1 at stratum 2, 1 of 2 sources reachable")
        for state in NodeState.allCases {
            #expect(state.summary(o).hasPrefix(state.rawValue))
        }
    }
}
