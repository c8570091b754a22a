import Testing
@testable import ChronyKit

@Suite struct UTCFormatTests {
    @Test(arguments: [
        (Int64(0), Int64(0), "1970-01-01T00:00:00.000000Z"),
        (951_782_400, 123_456_789, "2000-02-29T00:00:00.123456Z"),
        (-1, 999_999_999, "1969-12-31T23:59:59.999999Z"),
        (1_795_750_021, 20_896_502, "2026-11-27T03:27:01.020896Z"),
        (4_102_444_799, 0, "2099-12-31T23:59:59.000000Z"),
    ])
    func iso8601(seconds: Int64, nanoseconds: Int64, expected: String) {
        #expect(UnixTime(seconds: seconds, nanoseconds: nanoseconds).description == expected)
    }

    @Test func normalisesNanoseconds() {
        #expect(UnixTime(seconds: 10, nanoseconds: -1) == UnixTime(seconds: 9, nanoseconds: 999_999_999))
        #expect(UnixTime(seconds: 10, nanoseconds: 2_500_000_000) == UnixTime(seconds: 12, nanoseconds: 500_000_000))
        #expect(UnixTime(seconds: 12).nanoseconds(since: UnixTime(seconds: 10, nanoseconds: 1)) == 1_999_999_999)
    }
}
