import Testing
@testable import ChronyKit

@Suite struct ProbeTallyTests {
    static func sample(offset: Double, delay: Double) -> NTPExchangeOutcome {
        let t1 = UnixTime(seconds: 1_800_000_000)
        let t2 = t1.adding(nanoseconds: Int64((offset + delay / 2) * 1e9))
        let reply = NTPPacket(mode: .server, stratum: 2, receiveTime: NTPTimestamp(t2), transmitTime: NTPTimestamp(t2))
        let clocks = ExchangeClockReadings(sendRealtime: t1, sendMonotonic: 0, receiveMonotonic: Int64(delay * 1e9),
                                           receiveRealtime: t1.adding(nanoseconds: Int64(delay * 1e9)))
        return NTPExchangeOutcome(.sample(NTPSample(reply: reply, clocks: clocks)))
    }

    static let rate = NTPExchangeOutcome(.refused(.kissOfDeath(code: "RATE"), NTPPacket(mode: .server)))
    static let unsynchronised = NTPExchangeOutcome(.refused(.unsynchronised(leap: .unsynchronised, stratum: 0), NTPPacket(mode: .server)))
    static let silence = NTPExchangeOutcome(.noAnswer(.timedOut(seconds: 1)))
    static let forged = NTPExchangeOutcome(.noAnswer(.timedOut(seconds: 1)), dropped: [.wrongOrigin, .wrongMode(.client)])

    @Test func exitStatusFollowsTheBestAnswer() {
        func status(_ outcomes: [NTPExchangeOutcome]) -> Int32 {
            var tally = ProbeTally()
            outcomes.forEach { tally.record($0) }
            return tally.exitStatus
        }
        #expect(status([]) == 1)
        #expect(status([Self.silence, Self.silence]) == 1)
        #expect(status([Self.silence, Self.forged]) == 2)
        #expect(status([Self.rate, Self.silence]) == 2)
        #expect(status([Self.unsynchronised]) == 2)
        #expect(status([Self.rate, Self.forged, Self.sample(offset: 0, delay: 1e-3)]) == 0)
    }

    @Test func countsAndStatistics() throws {
        var tally = ProbeTally()
        for outcome in [Self.sample(offset: 1e-3, delay: 4e-3), Self.silence, Self.sample(offset: -1e-3, delay: 2e-3),
                        Self.rate, Self.forged, Self.sample(offset: 2e-3, delay: 3e-3), Self.unsynchronised] {
            tally.record(outcome)
        }
        #expect(tally.sent == 7)
        #expect(tally.good == 3)
        #expect(tally.refused == 2)
        #expect(tally.refusals == ["RATE": 1, "unsynchronised": 1])
        #expect(tally.answered == 5)
        #expect(tally.lost == 2)
        #expect(tally.invalid == 2)
        let offset = try #require(tally.offsetSpread)
        #expect(abs(offset.min + 1e-3) < 1e-9 && abs(offset.median - 1e-3) < 1e-9 && abs(offset.max - 2e-3) < 1e-9)
        let delay = try #require(tally.delaySpread)
        #expect(abs(delay.min - 2e-3) < 1e-9 && abs(delay.median - 3e-3) < 1e-9 && abs(delay.max - 4e-3) < 1e-9)
        // Successive differences -2 ms, +3 ms.
        #expect(abs(try #require(tally.jitter) - (6.5e-6).squareRoot()) < 1e-9)
    }
}
