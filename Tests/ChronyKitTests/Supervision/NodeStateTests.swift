import Testing
@testable import ChronyKit

/// The node state is the verdict's while chronyd runs: one vocabulary, no second classifier.
@Suite struct NodeStateTests {
    func verdict(_ state: HealthState, live: Bool = true) -> HealthVerdict {
        HealthVerdict(state: state, live: live, reasons: ["why \(state.rawValue)"])
    }

    @Test func aRunningChronydHasTheVerdictsState() {
        for health in HealthState.allCases {
            for previous in NodeState.allCases where previous != .stopping {
                let state = NodeState.evaluate(from: previous, processAlive: true, verdict: verdict(health))
                #expect(state.rawValue == health.rawValue)
            }
        }
    }

    @Test func aDeadProcessIsDownFromAnyStateButStopping() {
        for previous in NodeState.allCases where previous != .stopping {
            #expect(NodeState.evaluate(from: previous, processAlive: false, verdict: verdict(.unhealthy, live: false)) == .down)
        }
        for health in HealthState.allCases {
            #expect(NodeState.evaluate(from: .stopping, processAlive: true, verdict: verdict(health)) == .stopping)
        }
    }

    /// A gateway with 2 of its 3 relays and NTP_MIN_SOURCES=2 is healthy in the verdict: the
    /// state says the same (it said `degraded` while health said `healthy`, issue 12).
    @Test func theStateSaysWhatTheVerdictSays() {
        let healthy = HealthVerdict(state: .healthy, live: true, reasons: ["synchronised to relay1, 2 of 3 sources reachable"])
        let state = NodeState.evaluate(from: .starting, processAlive: true, verdict: healthy)
        #expect(state == .healthy)
        #expect(state.summary(healthy) == healthy.summary)
        #expect(NodeState.down.summary(nil) == "down: chronyd is not running")
    }

    @Test func readinessFollowsTheVerdict() {
        #expect(ReadyCondition.synchronised.isMet(by: verdict(.healthy), degradedIsReady: false))
        #expect(ReadyCondition.synchronised.isMet(by: verdict(.degraded), degradedIsReady: true))
        #expect(!ReadyCondition.synchronised.isMet(by: verdict(.degraded), degradedIsReady: false),
                "LOCAL_STRATUM with HEALTH_DEGRADED_OK=false: /readyz says 503, so no READY=1")
        #expect(!ReadyCondition.synchronised.isMet(by: verdict(.starting), degradedIsReady: true))
        #expect(ReadyCondition.running.isMet(by: verdict(.starting, live: true), degradedIsReady: false))
        #expect(!ReadyCondition.running.isMet(by: verdict(.starting, live: false), degradedIsReady: true))
    }

    @Test func everyStateIsAWordOfTheVerdictOrOfTheProcess() {
        let words = Set(HealthState.allCases.map(\.rawValue)).union(["down", "stopping"])
        #expect(Set(NodeState.allCases.map(\.rawValue)) == words)
    }
}
