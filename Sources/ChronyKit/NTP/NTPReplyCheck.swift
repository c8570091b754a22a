/// Why a datagram was not taken as the reply to our request. A dropped datagram is ignored
/// (the client keeps waiting for the real reply until its timeout) and counted.
public enum NTPDropReason: Sendable, Hashable, CustomStringConvertible {
    /// Shorter than the 48-byte NTP header.
    case tooShort(length: Int)
    /// Not mode 4 (server).
    case wrongMode(NTPMode)
    /// Not NTP version 3 or 4.
    case wrongVersion(UInt8)
    /// The origin timestamp is not our request's transmit timestamp: a stale, duplicated or
    /// forged reply.
    case wrongOrigin
    /// The server's transmit timestamp (T3) is zero.
    case zeroTransmit
    /// The server's receive timestamp (T2) is zero.
    case zeroReceive
    /// The server says it sent the reply (T3) before it received the request (T2): no real
    /// server does, and the delay computed from it would be wrong by the difference.
    case transmitBeforeReceive

    public var description: String {
        switch self {
        case .tooShort(let length): "short packet (\(length) bytes)"
        case .wrongMode(let mode): "wrong mode \(mode.rawValue) (expected 4, server)"
        case .wrongVersion(let version): "unsupported version \(version)"
        case .wrongOrigin: "origin timestamp does not match the request"
        case .zeroTransmit: "zero transmit timestamp"
        case .zeroReceive: "zero receive timestamp"
        case .transmitBeforeReceive: "transmit timestamp before receive timestamp (T3 < T2)"
        }
    }

    /// A short stable token for JSON output.
    public var token: String {
        switch self {
        case .tooShort: "short"
        case .wrongMode: "mode"
        case .wrongVersion: "version"
        case .wrongOrigin: "origin"
        case .zeroTransmit: "zero-transmit"
        case .zeroReceive: "zero-receive"
        case .transmitBeforeReceive: "transmit-before-receive"
        }
    }
}

/// A genuine reply (it answers our request) that gives no time: the server refuses.
public enum NTPRefusal: Sendable, Hashable, CustomStringConvertible {
    /// Stratum 0 with an ASCII kiss code in the reference ID (RFC 5905 §7.4): `RATE`,
    /// `DENY`, `RSTR`, …
    case kissOfDeath(code: String)
    /// The server's clock is not synchronised: leap indicator 3, or stratum 0 without a kiss
    /// code, or a stratum above 15.
    case unsynchronised(leap: LeapIndicator, stratum: UInt8)

    public var description: String {
        switch self {
        case .kissOfDeath(let code):
            switch code {
            case "RATE": "kiss-of-death RATE: the server asks to be queried less often"
            case "DENY": "kiss-of-death DENY: the server denies access"
            case "RSTR": "kiss-of-death RSTR: the server restricts access"
            default: "kiss-of-death \(code)"
            }
        case .unsynchronised(let leap, let stratum):
            "server not synchronised (leap \(leap.rawValue), stratum \(stratum))"
        }
    }

    /// RFC 5905 §7.4: after `DENY` or `RSTR` a client must stop sending to the server.
    public var stopsQuerying: Bool {
        if case .kissOfDeath(let code) = self { return code == "DENY" || code == "RSTR" }
        return false
    }

    /// RFC 5905 §7.4: after `RATE` a client must reduce its rate of requests.
    public var asksToSlowDown: Bool {
        self == .kissOfDeath(code: "RATE")
    }
}

/// What became of one received datagram.
public enum NTPReplyVerdict: Sendable, Hashable {
    /// A reply to our request that carries the server's time.
    case accepted(NTPPacket)
    /// A reply to our request that refuses to give the time.
    case refused(NTPRefusal, NTPPacket)
    /// Not (believably) a reply to our request.
    case dropped(NTPDropReason)
}

/// The client's checks on a received datagram (RFC 5905 §8 and RFC 4330 §5), in this order:
/// a full header; mode 4 (server); version 3 or 4; the origin timestamp equal to the nonce
/// we sent (so a stale, duplicated or spoofed datagram — including a spoofed kiss-of-death —
/// is never believed); then a kiss code (stratum 0 with an ASCII reference ID) is a refusal;
/// zero T3 or T2, or T3 before T2, is dropped; leap 3, stratum 0 or stratum > 15 is a refusal (not synchronised);
/// anything else is accepted.
public enum NTPReplyCheck {
    /// Checks `datagram` as the reply to a request whose transmit timestamp was `nonce`.
    public static func check(_ datagram: [UInt8], nonce: NTPTimestamp) -> NTPReplyVerdict {
        let packet: NTPPacket
        do {
            packet = try NTPPacket(decoding: datagram)
        } catch {
            switch error {
            case .tooShort(let length): return .dropped(.tooShort(length: length))
            }
        }
        guard packet.mode == .server else { return .dropped(.wrongMode(packet.mode)) }
        guard packet.version == 3 || packet.version == 4 else { return .dropped(.wrongVersion(packet.version)) }
        guard packet.originTime == nonce else { return .dropped(.wrongOrigin) }
        if packet.stratum == 0, let code = packet.referenceID.asciiCode {
            return .refused(.kissOfDeath(code: code), packet)
        }
        guard !packet.transmitTime.isZero else { return .dropped(.zeroTransmit) }
        guard !packet.receiveTime.isZero else { return .dropped(.zeroReceive) }
        guard packet.transmitTime.ticks(since: packet.receiveTime) >= 0 else { return .dropped(.transmitBeforeReceive) }
        if packet.leap == .unsynchronised || packet.stratum == 0 || packet.stratum > 15 {
            return .refused(.unsynchronised(leap: packet.leap, stratum: packet.stratum), packet)
        }
        return .accepted(packet)
    }
}
