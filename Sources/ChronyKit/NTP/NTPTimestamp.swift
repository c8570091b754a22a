/// An NTP 64-bit timestamp (RFC 5905 §6): seconds since the start of the current NTP era
/// (32 bits) and a binary fraction of a second (32 bits, units of 2⁻³² s ≈ 233 ps).
///
/// Era 0 began 1900-01-01 00:00:00 UTC; era 1 begins 2036-02-07 06:28:16 UTC, when `seconds`
/// wraps to 0. The era is not on the wire, so:
/// - differences (`ticks(since:)`, `seconds(since:)`) are taken modulo 2⁶⁴ and read as signed,
///   which is exact across the era boundary whenever the true difference is under 68 years —
///   the offset/delay maths never needs to know the era;
/// - an absolute time is recovered with `unixTime(near:)`, which picks the era that puts the
///   result within 68 years of a pivot (the local clock).
public struct NTPTimestamp: Sendable, Hashable, CustomStringConvertible {
    public let seconds: UInt32
    public let fraction: UInt32

    /// Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch (1970-01-01).
    public static let unixEpochOffset: Int64 = 2_208_988_800
    /// Timestamp units (2⁻³² s) in one second.
    public static let ticksPerSecond: Double = 4_294_967_296
    /// All zeros: "not set" on the wire.
    public static let zero = NTPTimestamp(seconds: 0, fraction: 0)

    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// The timestamp from its 64-bit wire value (seconds in the high half).
    public init(rawValue: UInt64) {
        seconds = UInt32(truncatingIfNeeded: rawValue >> 32)
        fraction = UInt32(truncatingIfNeeded: rawValue)
    }

    /// The timestamp of a Unix time; the era number is dropped, as on the wire. The
    /// fraction is rounded down, so converting back gives the same nanosecond.
    public init(_ time: UnixTime) {
        seconds = UInt32(truncatingIfNeeded: time.seconds + Self.unixEpochOffset)
        fraction = UInt32((UInt64(time.nanoseconds) << 32) / 1_000_000_000)
    }

    /// The 64-bit wire value.
    public var rawValue: UInt64 { UInt64(seconds) << 32 | UInt64(fraction) }

    /// True for the all-zero timestamp.
    public var isZero: Bool { rawValue == 0 }

    /// The NTP era a Unix time falls in (0 until 2036-02-07 06:28:16 UTC, then 1).
    public static func era(of time: UnixTime) -> Int64 {
        (time.seconds + unixEpochOffset) >> 32  // arithmetic shift: floor division by 2³²
    }

    /// `self − other` in units of 2⁻³² s, modulo 2⁶⁴ read as signed: exact across an era
    /// boundary when the true difference is under 2³¹ s (68 years).
    public func ticks(since other: NTPTimestamp) -> Int64 {
        Int64(bitPattern: rawValue &- other.rawValue)
    }

    /// `self − other` in seconds (see `ticks(since:)`).
    public func seconds(since other: NTPTimestamp) -> Double {
        Double(ticks(since: other)) / Self.ticksPerSecond
    }

    /// The Unix time this timestamp stands for, taking the era that puts it within
    /// 2³¹ s (68 years) of `pivot`. The fraction is rounded to the nearest nanosecond.
    public func unixTime(near pivot: UnixTime) -> UnixTime {
        let pivotNTPSeconds = pivot.seconds + Self.unixEpochOffset
        let delta = Int64(Int32(bitPattern: seconds &- UInt32(truncatingIfNeeded: pivotNTPSeconds)))
        let nanoseconds = (UInt64(fraction) * 1_000_000_000 + (1 << 31)) >> 32
        return UnixTime(seconds: pivotNTPSeconds + delta - Self.unixEpochOffset, nanoseconds: Int64(nanoseconds))
    }

    /// `seconds.fraction` in hexadecimal, as ntpq and chrony's debug output print it.
    public var description: String {
        func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
        return "\(hex(seconds)).\(hex(fraction))"
    }
}
