import Testing
@testable import ChronyKit

/// The poll loop's waits as a value: a sequence of phases in, a sequence of waits out.
@Suite struct PollScheduleTests {
    static func waits(_ phases: [PollSchedule.Phase], interval: Duration = .seconds(2)) -> [Duration] {
        var schedule = PollSchedule(interval: interval)
        return phases.map { schedule.next($0) }
    }

    @Test func briskUntilChronydAnswersThenRampingUpToTheInterval() {
        #expect(Self.waits([.waitingForAnswer, .waitingForAnswer, .awaitingReadiness, .awaitingReadiness,
                            .awaitingReadiness, .awaitingReadiness, .awaitingReadiness, .ready])
                == [.milliseconds(100), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                    .seconds(2), .seconds(2), .seconds(2)])
    }

    @Test func silenceStartsTheRampAgain() {
        #expect(Self.waits([.awaitingReadiness, .awaitingReadiness, .waitingForAnswer, .awaitingReadiness])
                == [.milliseconds(250), .milliseconds(500), .milliseconds(100), .milliseconds(250)])
    }

    @Test func probingRelaysPollsEveryQuarterSecondAndKeepsTheRamp() {
        #expect(Self.waits([.awaitingReadiness, .probingRelays, .probingRelays, .awaitingReadiness])
                == [.milliseconds(250), .milliseconds(250), .milliseconds(250), .milliseconds(500)])
    }

    /// POLL_INTERVAL may be below 100 ms: no wait is ever longer.
    @Test func neverLongerThanTheInterval() {
        for phase in PollSchedule.Phase.allCases {
            #expect(Self.waits([phase, phase, phase], interval: .milliseconds(50)).allSatisfy { $0 == .milliseconds(50) })
        }
    }
}
