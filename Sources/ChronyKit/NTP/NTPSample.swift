/// One good answer from an NTP server: its time, the offset and delay of our clock against
/// it, and what it says about itself.
public struct NTPSample: Sendable, Hashable {
    /// The server's reply.
    public let reply: NTPPacket
    /// T1–T4 of the exchange.
    public let times: NTPExchangeTimes
    /// θ in seconds (positive: the server is ahead of our clock).
    public let offset: Double
    /// δ in seconds.
    public let delay: Double
    /// The server's transmit timestamp (T3) as a Unix time, its era taken from our clock.
    public let serverTime: UnixTime
    /// A step of our real-time clock during the exchange, in seconds, if one was noticed;
    /// the sample stays valid (see `ExchangeClockReadings`).
    public let clockStep: Double?

    /// The sample from an accepted reply and the client's clock readings around it.
    public init(reply: NTPPacket, clocks: ExchangeClockReadings) {
        self.reply = reply
        times = NTPExchangeTimes(t1: clocks.t1, t2: reply.receiveTime, t3: reply.transmitTime, t4: clocks.t4)
        offset = times.offset
        delay = times.delay
        serverTime = reply.transmitTime.unixTime(near: clocks.sendRealtime)
        clockStep = clocks.realtimeStep
    }

    public var stratum: UInt8 { reply.stratum }
    public var leap: LeapIndicator { reply.leap }
    /// The reference ID as a person reads it at the reply's stratum.
    public var referenceID: String { reply.referenceID.display(stratum: reply.stratum) }
    /// Root delay in seconds.
    public var rootDelay: Double { reply.rootDelay.seconds }
    /// Root dispersion in seconds.
    public var rootDispersion: Double { reply.rootDispersion.seconds }
}

/// Why an exchange ended without a reply to our request.
public enum NoAnswerReason: Sendable, Hashable, CustomStringConvertible {
    /// Nothing (believable) came back within the timeout, in seconds.
    case timedOut(seconds: Double)
    /// The network said no one listens there (ICMP port or host unreachable).
    case unreachable(String)
    /// A stop signal arrived while waiting.
    case interrupted

    public var description: String {
        switch self {
        case .timedOut(let seconds): "no answer within \(ProbeReport.plainSeconds(seconds))"
        case .unreachable(let why): "unreachable: \(why)"
        case .interrupted: "interrupted while waiting"
        }
    }
}

/// What came of one request: a time, a refusal or nothing, plus every datagram dropped on
/// the way (wrong origin, wrong mode, …), which never end an exchange by themselves.
public struct NTPExchangeOutcome: Sendable, Hashable {
    /// The three ends of an exchange.
    public enum Result: Sendable, Hashable {
        case sample(NTPSample)
        case refused(NTPRefusal, NTPPacket)
        case noAnswer(NoAnswerReason)
    }

    public let result: Result
    public let dropped: [NTPDropReason]

    public init(_ result: Result, dropped: [NTPDropReason] = []) {
        self.result = result
        self.dropped = dropped
    }

    /// The sample, if the exchange gave one.
    public var sample: NTPSample? {
        if case .sample(let sample) = result { return sample }
        return nil
    }
}
