import PropertyBased
import Testing
@testable import ChronyKit

/// The 64-bit NTP timestamp: conversion to and from Unix time, and the 2036 era boundary.
@Suite struct NTPTimestampTests {
    /// 2036-02-07T06:28:16Z, the first second of NTP era 1.
    let era1Start: Int64 = 2_085_978_496

    @Test func unixEpochIsTheKnownNTPSecond() {
        let timestamp = NTPTimestamp(UnixTime(seconds: 0))
        #expect(timestamp.seconds == 2_208_988_800)
        #expect(timestamp.fraction == 0)
    }

    @Test func secondsWrapToZeroAtTheEraBoundary() {
        let last = NTPTimestamp(UnixTime(seconds: era1Start - 1, nanoseconds: 500_000_000))
        let first = NTPTimestamp(UnixTime(seconds: era1Start))
        #expect(last.seconds == UInt32.max)
        #expect(last.fraction == 0x8000_0000)
        #expect(first.seconds == 0)
        #expect(NTPTimestamp.era(of: UnixTime(seconds: era1Start - 1)) == 0)
        #expect(NTPTimestamp.era(of: UnixTime(seconds: era1Start)) == 1)
        #expect(UTCFormat.iso8601Microseconds(UnixTime(seconds: era1Start)) == "2036-02-07T06:28:16.000000Z")
    }

    @Test func differencesAcrossTheEraBoundaryAreExact() {
        let before = NTPTimestamp(seconds: 0xFFFF_FFFF, fraction: 0x8000_0000)
        let after = NTPTimestamp(seconds: 0x0000_0001, fraction: 0)
        #expect(after.seconds(since: before) == 1.5)
        #expect(before.seconds(since: after) == -1.5)
        #expect(after.ticks(since: before) == 3 << 31)
    }

    @Test func eraIsChosenNearThePivot() {
        // Seconds 0 is 1900 in era 0 and 2036 in era 1: the pivot decides.
        let zero = NTPTimestamp(seconds: 0, fraction: 0)
        #expect(zero.unixTime(near: UnixTime(seconds: era1Start - 3600)) == UnixTime(seconds: era1Start))
        #expect(zero.unixTime(near: UnixTime(seconds: -2_208_988_800 + 10)) == UnixTime(seconds: -2_208_988_800))
        // A server just past the boundary seen from a client just before it, and the reverse.
        let justAfter = NTPTimestamp(seconds: 5, fraction: 0)
        #expect(justAfter.unixTime(near: UnixTime(seconds: era1Start - 5)) == UnixTime(seconds: era1Start + 5))
        let justBefore = NTPTimestamp(seconds: 0xFFFF_FFFB, fraction: 0)
        #expect(justBefore.unixTime(near: UnixTime(seconds: era1Start + 5)) == UnixTime(seconds: era1Start - 5))
        // Era 1 proper: 2100-01-01T00:00:00Z.
        let year2100: Int64 = 4_102_444_800
        #expect(NTPTimestamp(UnixTime(seconds: year2100)).unixTime(near: UnixTime(seconds: year2100 - 86_400 * 365 * 50))
            == UnixTime(seconds: year2100))
    }

    @Test func offsetAndDelayAcrossTheEraBoundary() {
        // Client 0.25 s behind the server, 20 ms each way, 1 ms in the server; the exchange
        // straddles 2036-02-07T06:28:16Z.
        let t1 = UnixTime(seconds: era1Start - 1, nanoseconds: 900_000_000)  // client clock
        let t2 = t1.adding(nanoseconds: 250_000_000 + 20_000_000)            // server clock
        let t3 = t2.adding(nanoseconds: 1_000_000)
        let t4 = t1.adding(nanoseconds: 41_000_000)
        let times = NTPExchangeTimes(t1: NTPTimestamp(t1), t2: NTPTimestamp(t2), t3: NTPTimestamp(t3), t4: NTPTimestamp(t4))
        #expect(NTPTimestamp(t1).seconds == UInt32.max)
        #expect(NTPTimestamp(t2).seconds == 0)
        #expect(abs(times.offset - 0.25) < 1e-9)
        #expect(abs(times.delay - 0.040) < 1e-9)
    }

    @Test func unixTimeRoundTripsToTheNanosecond() async {
        await propertyCheck(input: Gen.int64(in: -2_000_000_000...6_000_000_000), Gen.int64(in: 0...999_999_999)) { seconds, nanos in
            let time = UnixTime(seconds: seconds, nanoseconds: nanos)
            #expect(NTPTimestamp(time).unixTime(near: time.adding(nanoseconds: 1_000_000_000 * 3600 * 24 * 365 * 60)) == time)
        }
    }

    @Test func differencesMatchUnixDifferences() async {
        await propertyCheck(input: Gen.int64(in: 0...6_000_000_000), Gen.int64(in: -2_000_000_000_000_000_000...2_000_000_000_000_000_000)) { seconds, delta in
            let a = UnixTime(seconds: seconds)
            let b = a.adding(nanoseconds: delta)
            let measured = NTPTimestamp(b).seconds(since: NTPTimestamp(a))
            #expect(abs(measured - Double(delta) / 1e9) < 1e-6)
        }
    }

    @Test func wireValueAndDescription() {
        let timestamp = NTPTimestamp(rawValue: 0xEEB3_7705_0559_7920)
        #expect(timestamp.seconds == 0xEEB3_7705)
        #expect(timestamp.fraction == 0x0559_7920)
        #expect(timestamp.rawValue == 0xEEB3_7705_0559_7920)
        #expect(timestamp.description == "eeb37705.05597920")
        #expect(NTPTimestamp.zero.isZero)
    }

    @Test func shortFormat() {
        #expect(NTPShortFormat(rawValue: 0x0001_0000).seconds == 1)
        #expect(NTPShortFormat(rawValue: 0x0000_8000).seconds == 0.5)
        #expect(NTPShortFormat(rawValue: 1).seconds == 1.0 / 65536)
        #expect(NTPShortFormat(seconds: 0.25).rawValue == 0x0000_4000)
        #expect(NTPShortFormat(seconds: -1).rawValue == 0)
        #expect(NTPShortFormat(seconds: 1e9).rawValue == UInt32.max)
    }
}
