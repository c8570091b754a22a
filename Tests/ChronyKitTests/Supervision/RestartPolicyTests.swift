import PropertyBased
import Testing
@testable import ChronyKit

@Suite struct RestartPolicyTests {
    let policy = RestartPolicy(maxRestarts: 3, window: .seconds(60), initialDelay: .milliseconds(250), maxDelay: .seconds(1))

    @Test func backoffDoublesFromSubSecondAndIsCapped() {
        #expect(policy.delay(forFailure: 1) == .milliseconds(250))
        #expect(policy.delay(forFailure: 2) == .milliseconds(500))
        #expect(policy.delay(forFailure: 3) == .seconds(1))
        #expect(policy.delay(forFailure: 4) == .seconds(1))
        #expect(policy.delay(forFailure: 60) == .seconds(1))
    }

    @Test func failuresBeyondTheBudgetWithinTheWindowGiveUpWithChronydsStatus() {
        var history = RestartHistory(policy: policy)
        #expect(history.recordFailure(at: .seconds(1), exitCode: 1) == .restart(after: .milliseconds(250)))
        #expect(history.recordFailure(at: .seconds(2), exitCode: 1) == .restart(after: .milliseconds(500)))
        #expect(history.recordFailure(at: .seconds(3), exitCode: 1) == .restart(after: .seconds(1)))
        #expect(history.recordFailure(at: .seconds(4), exitCode: 137) == .giveUp(exitCode: 137))
    }

    @Test func failuresOlderThanTheWindowAreForgottenAndTheBackoffStartsAgain() {
        var history = RestartHistory(policy: policy)
        _ = history.recordFailure(at: .seconds(0), exitCode: 1)
        _ = history.recordFailure(at: .seconds(1), exitCode: 1)
        _ = history.recordFailure(at: .seconds(2), exitCode: 1)
        // At 61.5 s the failures at 0 s and 1 s have left the window: this is the second one in it.
        #expect(history.recordFailure(at: .seconds(61.5), exitCode: 1) == .restart(after: .milliseconds(500)))
        #expect(history.failures == [.seconds(2), .seconds(61.5)])
        #expect(history.recordFailure(at: .seconds(200), exitCode: 1) == .restart(after: .milliseconds(250)))
    }

    @Test func zeroRestartsGivesUpAtTheFirstFailureAlwaysWithAFailureStatus() {
        var history = RestartHistory(policy: RestartPolicy(maxRestarts: 0))
        #expect(history.recordFailure(at: .zero, exitCode: 0) == .giveUp(exitCode: 1))
        var again = RestartHistory(policy: RestartPolicy(maxRestarts: 0))
        #expect(again.recordFailure(at: .zero, exitCode: 3) == .giveUp(exitCode: 3))
    }

    /// Every status chronyd can end with gives up with a non-zero status: its own, or 1.
    @Test func giveUpStatusIsNeverZero() {
        for status in Int32(0)...255 {
            let expected: Int32 = status == 0 ? 1 : status
            #expect(RestartPolicy.giveUpStatus(chronydStatus: status) == expected)
        }
    }

    @Test func delaysNeverShrinkAndStayWithinBounds() async {
        await propertyCheck(input: Gen.int(in: 1...200)) { n in
            let d = policy.delay(forFailure: n)
            #expect(d >= policy.initialDelay && d <= policy.maxDelay)
            #expect(policy.delay(forFailure: n + 1) >= d)
        }
    }

    @Test func aBudgetOfNAllowsExactlyNRestartsInABurst() async {
        await propertyCheck(input: Gen.int(in: 0...20)) { max in
            var history = RestartHistory(policy: RestartPolicy(maxRestarts: max))
            var restarts = 0
            for i in 0...max {
                if case .restart = history.recordFailure(at: .milliseconds(i), exitCode: 3) { restarts += 1 }
            }
            #expect(restarts == max)
        }
    }
}
