import ChronyKit
/// The two clocks an NTP exchange reads: the real-time clock for T1 and the monotonic
/// clock for the elapsed time up to T4 (see `ExchangeClockReadings` for why).
public protocol ExchangeClock: Sendable {
    /// CLOCK_REALTIME.
    func realtime() -> UnixTime
    /// CLOCK_MONOTONIC in nanoseconds.
    func monotonicNanoseconds() -> Int64
}

/// The system's clocks, read with `clock_gettime`.
public struct SystemExchangeClock: ExchangeClock {
    public init() {}

    public func realtime() -> UnixTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UnixTime(seconds: Int64(now.tv_sec), nanoseconds: Int64(now.tv_nsec))
    }

    public func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
