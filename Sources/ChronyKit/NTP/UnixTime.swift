/// A point on the system's real-time clock: seconds and nanoseconds since 1970-01-01 UTC
/// (POSIX time, leap seconds not counted), as `clock_gettime(CLOCK_REALTIME)` gives it.
/// Always normalised: `nanoseconds` is in 0..<1_000_000_000, also for times before 1970.
public struct UnixTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let seconds: Int64
    public let nanoseconds: Int64

    /// A time from seconds and nanoseconds; nanoseconds outside 0..<10⁹ carry into seconds.
    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        let (carry, rest) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        if rest < 0 {
            self.seconds = seconds + carry - 1
            self.nanoseconds = rest + 1_000_000_000
        } else {
            self.seconds = seconds + carry
            self.nanoseconds = rest
        }
    }

    /// This time moved by `nanoseconds` (either sign).
    public func adding(nanoseconds delta: Int64) -> UnixTime {
        UnixTime(seconds: seconds, nanoseconds: nanoseconds + delta)
    }

    /// `self − other` in nanoseconds.
    public func nanoseconds(since other: UnixTime) -> Int64 {
        (seconds - other.seconds) * 1_000_000_000 + (nanoseconds - other.nanoseconds)
    }

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// ISO 8601 in UTC with microseconds, e.g. `2036-02-07T06:28:16.000000Z`.
    public var description: String { UTCFormat.iso8601Microseconds(self) }
}
