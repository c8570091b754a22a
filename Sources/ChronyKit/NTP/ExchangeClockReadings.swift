/// The client's clock readings around one request/response exchange, and the T1/T4 they give.
///
/// Why two clocks: T1 and T4 must be read from the real-time clock (they are compared with
/// the server's T2/T3), but the real-time clock can be stepped — by chronyd, ntpdate,
/// `date -s` — at any moment, including between sending the request and receiving the
/// reply. Two independent real-time readings would then put the whole step into the delay
/// δ = (T4 − T1) − (T3 − T2) (even making it negative) and half of it into the offset θ.
///
/// So only one real-time reading is used: T1 is CLOCK_REALTIME just before sending, and T4
/// is T1 plus the elapsed time measured on CLOCK_MONOTONIC, which Linux keeps at a fixed
/// distance from CLOCK_REALTIME except across a step (slewing and frequency corrections move
/// both alike). A step during the exchange therefore changes neither δ nor θ: the sample is
/// the offset of the clock as it was when the request left. A step before T1 is simply the
/// clock's new reading, as for any client. The second real-time reading (just after
/// receiving) is used to notice a step and report it.
///
/// Where the kernel timestamps the reply's arrival (`SO_TIMESTAMPNS`, CLOCK_REALTIME), T4 is
/// moved back by the time between that arrival and our own receive reading — two real-time
/// readings microseconds apart, with no step between them in any realistic case — which
/// removes the thread's wake-up latency from the return path. The correction is used only
/// when it lies between 0 and the whole elapsed time; otherwise (a step in that instant) it
/// is ignored, so its error can never exceed the delay.
public struct ExchangeClockReadings: Sendable, Hashable {
    /// CLOCK_REALTIME just before the request was sent.
    public let sendRealtime: UnixTime
    /// CLOCK_MONOTONIC (nanoseconds) read with `sendRealtime`.
    public let sendMonotonic: Int64
    /// CLOCK_MONOTONIC (nanoseconds) just after the reply was received.
    public let receiveMonotonic: Int64
    /// CLOCK_REALTIME read with `receiveMonotonic`.
    public let receiveRealtime: UnixTime
    /// The kernel's CLOCK_REALTIME timestamp of the reply's arrival, when it gave one.
    public let kernelArrival: UnixTime?

    /// A real-time clock that moved this much more (or less) than the monotonic clock during
    /// the exchange was stepped. Reading-pair jitter (a preempted thread between the two
    /// reads) stays far below it.
    public static let stepThresholdNanoseconds: Int64 = 1_000_000

    public init(sendRealtime: UnixTime, sendMonotonic: Int64, receiveMonotonic: Int64, receiveRealtime: UnixTime,
                kernelArrival: UnixTime? = nil) {
        self.sendRealtime = sendRealtime
        self.sendMonotonic = sendMonotonic
        self.receiveMonotonic = receiveMonotonic
        self.receiveRealtime = receiveRealtime
        self.kernelArrival = kernelArrival
    }

    /// Our receive reading minus the kernel's arrival timestamp, in nanoseconds, when there
    /// is one and it is plausible (0 ≤ latency ≤ the monotonic elapsed time).
    public var arrivalLatencyNanoseconds: Int64? {
        guard let kernelArrival else { return nil }
        let latency = receiveRealtime.nanoseconds(since: kernelArrival)
        let monotonicElapsed = receiveMonotonic - sendMonotonic
        return latency >= 0 && latency <= monotonicElapsed ? latency : nil
    }

    /// T4 − T1 in nanoseconds: the monotonic elapsed time, less the arrival latency.
    public var elapsedNanoseconds: Int64 { receiveMonotonic - sendMonotonic - (arrivalLatencyNanoseconds ?? 0) }

    /// T1: the real-time clock just before sending.
    public var t1: NTPTimestamp { NTPTimestamp(sendRealtime) }

    /// T4: T1 plus the elapsed time (never a second real-time reading on its own).
    public var t4: NTPTimestamp { NTPTimestamp(sendRealtime.adding(nanoseconds: elapsedNanoseconds)) }

    /// How far the real-time clock was stepped during the exchange, in seconds (positive:
    /// forwards), when that is more than `stepThresholdNanoseconds`; nil otherwise.
    public var realtimeStep: Double? {
        let jump = receiveRealtime.nanoseconds(since: sendRealtime) - (receiveMonotonic - sendMonotonic)
        guard abs(jump) > Self.stepThresholdNanoseconds else { return nil }
        return Double(jump) / 1e9
    }
}

/// The four timestamps of one exchange (RFC 5905 §8) and the offset and delay they give.
/// Differences are taken as 64-bit NTP differences, so an exchange across the 2036 era
/// boundary computes like any other.
public struct NTPExchangeTimes: Sendable, Hashable {
    /// Client transmit (client clock).
    public let t1: NTPTimestamp
    /// Server receive (server clock).
    public let t2: NTPTimestamp
    /// Server transmit (server clock).
    public let t3: NTPTimestamp
    /// Client receive (client clock).
    public let t4: NTPTimestamp

    public init(t1: NTPTimestamp, t2: NTPTimestamp, t3: NTPTimestamp, t4: NTPTimestamp) {
        self.t1 = t1
        self.t2 = t2
        self.t3 = t3
        self.t4 = t4
    }

    /// θ = ((T2 − T1) + (T3 − T4)) / 2, in seconds: how far the server's clock is ahead of
    /// ours (positive: our clock is behind the server), the sign ntpdate and ntpdig print.
    public var offset: Double {
        (Double(t2.ticks(since: t1)) + Double(t3.ticks(since: t4))) / 2 / NTPTimestamp.ticksPerSecond
    }

    /// δ = (T4 − T1) − (T3 − T2), in seconds: the round trip less the server's own time.
    public var delay: Double {
        (Double(t4.ticks(since: t1)) - Double(t3.ticks(since: t2))) / NTPTimestamp.ticksPerSecond
    }
}
