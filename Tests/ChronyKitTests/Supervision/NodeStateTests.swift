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
        #expect(Readiness(degradedIsReady: false, readyWhen: .synchronised).meetsReadyCondition(verdict(.healthy)))
        #expect(Readiness(degradedIsReady: true, readyWhen: .synchronised).meetsReadyCondition(verdict(.degraded)))
        #expect(!Readiness(degradedIsReady: false, readyWhen: .synchronised).meetsReadyCondition(verdict(.degraded)),
                "LOCAL_STRATUM with HEALTH_DEGRADED_OK=false: /readyz says 503, so no READY=1")
        #expect(!Readiness(degradedIsReady: true, readyWhen: .synchronised).meetsReadyCondition(verdict(.starting)))
        #expect(Readiness(degradedIsReady: false, readyWhen: .running).meetsReadyCondition(verdict(.starting, live: true)))
        #expect(!Readiness(degradedIsReady: true, readyWhen: .running).meetsReadyCondition(verdict(.starting, live: false)))
    }

    @Test func everyStateIsAWordOfTheVerdictOrOfTheProcess() {
        let words = Set(HealthState.allCases.map(\.rawValue)).union(["down", "stopping"])
        #expect(Set(NodeState.allCases.map(\.rawValue)) == words)
    }
}
