import Testing
@testable import ChronyKit

/// T1/T4 from one real-time reading and the monotonic clock: a step of the real-time clock
/// during an exchange cannot reach the offset or the delay. (The step is simulated here: the
/// tests must never step this machine's clock.)
@Suite struct ExchangeClockReadingsTests {
    let t1 = UnixTime(seconds: 1_800_000_000, nanoseconds: 100_000_000)

    /// A server exactly on true time, 20 µs away each way, 5 µs inside.
    func serverReply(trueSend: UnixTime) -> NTPPacket {
        let t2 = trueSend.adding(nanoseconds: 20_000)
        return NTPPacket(mode: .server, stratum: 1, receiveTime: NTPTimestamp(t2),
                         transmitTime: NTPTimestamp(t2.adding(nanoseconds: 5_000)))
    }

    @Test(arguments: [Int64(10_000_000_000), -10_000_000_000, 3_600_000_000_000])
    func aStepDuringTheExchangeChangesNeitherOffsetNorDelay(step: Int64) {
        let readings = ExchangeClockReadings(
            sendRealtime: t1, sendMonotonic: 5_000_000_000, receiveMonotonic: 5_000_045_000,
            receiveRealtime: t1.adding(nanoseconds: 45_000 + step))
        let sample = NTPSample(reply: serverReply(trueSend: t1), clocks: readings)
        #expect(abs(sample.offset) < 1e-9)
        #expect(abs(sample.delay - 40e-6) < 1e-9)
        #expect(sample.clockStep.map { abs($0 - Double(step) / 1e9) < 1e-6 } == true)
        #expect(readings.t4 == NTPTimestamp(t1.adding(nanoseconds: 45_000)))
    }

    @Test func twoRealtimeReadingsWouldHaveBeenPoisoned() {
        // What the naive T4 (a second CLOCK_REALTIME reading) gives for a +10 s step: the
        // check that the test above measures something.
        let reply = serverReply(trueSend: t1)
        let naive = NTPExchangeTimes(t1: NTPTimestamp(t1), t2: reply.receiveTime, t3: reply.transmitTime,
                                     t4: NTPTimestamp(t1.adding(nanoseconds: 10_000_045_000)))
        #expect(abs(naive.offset + 5) < 1e-3)
        #expect(abs(naive.delay - 10) < 1e-3)
    }

    @Test func noStepIsReportedForOrdinaryReadings() {
        let readings = ExchangeClockReadings(
            sendRealtime: t1, sendMonotonic: 7, receiveMonotonic: 7 + 45_000,
            receiveRealtime: t1.adding(nanoseconds: 45_000 + 900_000))
        #expect(readings.realtimeStep == nil)
        #expect(readings.elapsedNanoseconds == 45_000)
    }

    @Test func offsetSignIsServerMinusClient() {
        // Our clock 2 s behind the server: θ = +2 s.
        let readings = ExchangeClockReadings(sendRealtime: t1, sendMonotonic: 0, receiveMonotonic: 45_000,
                                             receiveRealtime: t1.adding(nanoseconds: 45_000))
        let sample = NTPSample(reply: serverReply(trueSend: t1.adding(nanoseconds: 2_000_000_000)), clocks: readings)
        #expect(abs(sample.offset - 2) < 1e-9)
        #expect(sample.serverTime == t1.adding(nanoseconds: 2_000_025_000))
    }

    @Test func theKernelArrivalTimestampRemovesTheWakeUpLatency() {
        // The reply arrived 45 µs after T1; our thread read the clocks 15 µs later.
        let readings = ExchangeClockReadings(
            sendRealtime: t1, sendMonotonic: 1_000, receiveMonotonic: 1_000 + 60_000,
            receiveRealtime: t1.adding(nanoseconds: 60_000), kernelArrival: t1.adding(nanoseconds: 45_000))
        #expect(readings.arrivalLatencyNanoseconds == 15_000)
        #expect(readings.elapsedNanoseconds == 45_000)
        #expect(readings.t4 == NTPTimestamp(t1.adding(nanoseconds: 45_000)))
        let sample = NTPSample(reply: serverReply(trueSend: t1), clocks: readings)
        #expect(abs(sample.offset) < 1e-9)
        #expect(abs(sample.delay - 40e-6) < 1e-9)
    }

    @Test func aStepBeforeTheArrivalLeavesTheCorrectionIntact() {
        // +10 s step after T1: the kernel's arrival stamp and our receive reading both carry it.
        let step: Int64 = 10_000_000_000
        let readings = ExchangeClockReadings(
            sendRealtime: t1, sendMonotonic: 0, receiveMonotonic: 60_000,
            receiveRealtime: t1.adding(nanoseconds: 60_000 + step), kernelArrival: t1.adding(nanoseconds: 45_000 + step))
        let sample = NTPSample(reply: serverReply(trueSend: t1), clocks: readings)
        #expect(abs(sample.offset) < 1e-9)
        #expect(abs(sample.delay - 40e-6) < 1e-9)
        #expect(sample.clockStep.map { abs($0 - 10) < 1e-6 } == true)
    }

    @Test(arguments: [Int64(56_000), -5_000, -10_000_000_000])
    func anImplausibleArrivalTimestampIsIgnored(arrivalAfterT1: Int64) {
        // After our own receive reading, or further back than the whole exchange (a step
        // between the kernel's stamp and our reading): T4 falls back to the monotonic time.
        let readings = ExchangeClockReadings(
            sendRealtime: t1, sendMonotonic: 0, receiveMonotonic: 55_000,
            receiveRealtime: t1.adding(nanoseconds: 55_000), kernelArrival: t1.adding(nanoseconds: arrivalAfterT1))
        #expect(readings.arrivalLatencyNanoseconds == nil)
        #expect(readings.elapsedNanoseconds == 55_000)
    }
}
