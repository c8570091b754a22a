import Foundation
import Testing
@testable import ChronyKit

@Suite struct ProbeReportTests {
    let target = ProbeTarget(host: "gateway", address: "172.20.0.2", port: 123)

    func chronySample() throws -> NTPExchangeOutcome {
        let packet = try NTPPacket(decoding: ChronyPackets.synchronised)
        // θ = +10 µs, δ = 40 µs: T1 = T2 − (θ + δ/2), and T4 − T1 = δ + (T3 − T2).
        let t1 = packet.receiveTime.unixTime(near: UnixTime(seconds: 1_795_750_000)).adding(nanoseconds: -30_000)
        let clocks = ExchangeClockReadings(sendRealtime: t1, sendMonotonic: 0, receiveMonotonic: 2_371_326,
                                           receiveRealtime: t1.adding(nanoseconds: 2_371_326))
        return NTPExchangeOutcome(.sample(NTPSample(reply: packet, clocks: clocks)), dropped: [.wrongOrigin])
    }

    @Test func sampleLine() throws {
        let line = ProbeReport.text(try chronySample(), sequence: 3)
        #expect(line == "[3] 2026-11-27T03:27:01.020896Z  offset   +10us  delay   40us  stratum 1"
            + "  refid 127.127.1.1  leap Normal  root delay    0ns  root dispersion    0ns"
            + "  (dropped 1 invalid: origin timestamp does not match the request)")
    }

    @Test func refusalAndSilenceLines() {
        #expect(ProbeReport.text(ProbeTallyTests.rate, sequence: 1)
            == "[1] refused: kiss-of-death RATE: the server asks to be queried less often")
        #expect(ProbeReport.text(ProbeTallyTests.unsynchronised, sequence: 2)
            == "[2] refused: server not synchronised (leap 3, stratum 0)")
        #expect(ProbeReport.text(ProbeTallyTests.silence, sequence: 4) == "[4] no answer within 1 s")
    }

    @Test func sampleJSON() throws {
        let line = ProbeReport.json(try chronySample(), sequence: 1, target: target)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "sample")
        #expect(object["seq"] as? Int == 1)
        #expect(object["host"] as? String == "gateway")
        #expect(object["address"] as? String == "172.20.0.2")
        #expect(object["server_time"] as? String == "2026-11-27T03:27:01.020896Z")
        #expect(abs((object["offset"] as? Double ?? 1) - 10e-6) < 1e-9)
        #expect(abs((object["delay"] as? Double ?? 1) - 40e-6) < 1e-9)
        #expect(object["refid"] as? String == "127.127.1.1")
        #expect(object["refid_hex"] as? String == "7F7F0101")
        #expect(object["leap"] as? String == "normal")
        #expect(object["stratum"] as? Int == 1)
        #expect(object["dropped"] as? [String] == ["origin"])
        #expect(object["clock_step"] is NSNull)
    }

    @Test func summaryJSONWithAndWithoutSamples() throws {
        var tally = ProbeTally()
        tally.record(ProbeTallyTests.silence)
        tally.record(ProbeTallyTests.rate)
        var object = try #require(try JSONSerialization.jsonObject(
            with: Data(ProbeReport.jsonSummary(tally, target: target).utf8)) as? [String: Any])
        #expect(object["type"] as? String == "summary")
        #expect(object["sent"] as? Int == 2)
        #expect(object["answered"] as? Int == 1)
        #expect(object["lost"] as? Int == 1)
        #expect(object["refusals"] as? [String: Int] == ["RATE": 1])
        #expect(object["offset"] is NSNull)
        #expect(object["jitter"] is NSNull)
        #expect(object["exit_code"] as? Int == 2)

        tally.record(ProbeTallyTests.sample(offset: 1e-3, delay: 2e-3))
        tally.record(ProbeTallyTests.sample(offset: 3e-3, delay: 2e-3))
        object = try #require(try JSONSerialization.jsonObject(
            with: Data(ProbeReport.jsonSummary(tally, target: target).utf8)) as? [String: Any])
        let offset = try #require(object["offset"] as? [String: Double])
        #expect(abs((offset["median"] ?? 0) - 2e-3) < 1e-9)
        #expect(abs((object["jitter"] as? Double ?? 0) - 2e-3) < 1e-9)
        #expect(object["exit_code"] as? Int == 0)
    }

    @Test func textSummary() {
        var tally = ProbeTally()
        tally.record(ProbeTallyTests.sample(offset: 1e-3, delay: 2e-3))
        tally.record(ProbeTallyTests.forged)
        tally.record(ProbeTallyTests.sample(offset: -3e-3, delay: 4e-3))
        #expect(ProbeReport.textSummary(tally, target: target) == """
            --- gateway (172.20.0.2) port 123 ---
            3 sent, 2 answered, 1 lost, 0 refused, 2 invalid dropped
            offset min/median/max -3000us / -1000us / +1000us
            delay  min/median/max 2000us / 3000us / 4000us
            jitter 4000us
            """)
    }
}
