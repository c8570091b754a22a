import Testing
@testable import ChronyKit

/// Readiness and liveness as one table: every verdict state, live or not, both settings.
@Suite struct ReadinessTests {
    @Test(arguments: HealthState.allCases, [false, true])
    func readyIsHealthyOrAllowedDegradedAndLiveIsLive(_ state: HealthState, _ live: Bool) {
        let verdict = HealthVerdict(state: state, live: live, reasons: ["why"])
        for degradedIsReady in [false, true] {
            let readiness = Readiness(degradedIsReady: degradedIsReady)
            let ready = state == .healthy || (state == .degraded && degradedIsReady)
            #expect(readiness.isReady(verdict) == ready)
            #expect(readiness.answer(verdict).ready == ready)
            #expect(readiness.answer(verdict, liveness: true).ready == live)
            #expect(readiness.answer(verdict).summary == verdict.summary)
            #expect(Readiness(degradedIsReady: degradedIsReady, readyWhen: .running).meetsReadyCondition(verdict) == live)
            #expect(Readiness(degradedIsReady: degradedIsReady, readyWhen: .synchronised).meetsReadyCondition(verdict) == ready)
        }
    }
}
