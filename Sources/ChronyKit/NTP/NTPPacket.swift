/// The leap indicator of an NTP packet (RFC 5905 §7.3), named as chronyc names leap status.
public enum LeapIndicator: UInt8, Sendable, CaseIterable {
    case normal = 0
    case insertSecond = 1
    case deleteSecond = 2
    /// "Alarm": the server's clock is not synchronised.
    case unsynchronised = 3

    /// chronyc's wording: `Normal`, `Insert second`, `Delete second`, `Not synchronised`.
    public var chronycName: String {
        switch self {
        case .normal: "Normal"
        case .insertSecond: "Insert second"
        case .deleteSecond: "Delete second"
        case .unsynchronised: "Not synchronised"
        }
    }

    /// A stable lower-case token for JSON: `normal`, `insert`, `delete`, `unsynchronised`.
    public var token: String {
        switch self {
        case .normal: "normal"
        case .insertSecond: "insert"
        case .deleteSecond: "delete"
        case .unsynchronised: "unsynchronised"
        }
    }
}

/// The association mode of an NTP packet (RFC 5905 §7.3); all eight 3-bit values are named.
public enum NTPMode: UInt8, Sendable, CaseIterable {
    case reserved = 0
    case symmetricActive = 1
    case symmetricPassive = 2
    case client = 3
    case server = 4
    case broadcast = 5
    case control = 6
    case privateUse = 7
}

/// A packet could not be decoded.
public enum NTPPacketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than the 48 bytes of an NTP header.
    case tooShort(length: Int)

    public var description: String {
        switch self {
        case .tooShort(let length): "packet of \(length) bytes is shorter than an NTP header (48)"
        }
    }
}

/// The 48-byte NTP header (RFC 5905 §7.3), the whole of an SNTP request or reply.
/// Extension fields and MACs after the header are ignored when decoding.
public struct NTPPacket: Sendable, Hashable {
    public var leap: LeapIndicator
    public var version: UInt8
    public var mode: NTPMode
    public var stratum: UInt8
    /// log₂ of the poll interval in seconds.
    public var poll: Int8
    /// log₂ of the server clock's precision in seconds (chrony: about −26 here).
    public var precision: Int8
    public var rootDelay: NTPShortFormat
    public var rootDispersion: NTPShortFormat
    public var referenceID: ReferenceID
    public var referenceTime: NTPTimestamp
    /// T1 as the server echoes it: the transmit timestamp of the request answered.
    public var originTime: NTPTimestamp
    /// T2: when the server received the request, by the server's clock.
    public var receiveTime: NTPTimestamp
    /// T3: when the server sent the reply, by the server's clock.
    public var transmitTime: NTPTimestamp

    /// Bytes in the header.
    public static let headerSize = 48

    public init(leap: LeapIndicator = .normal, version: UInt8 = 4, mode: NTPMode, stratum: UInt8 = 0,
                poll: Int8 = 0, precision: Int8 = 0,
                rootDelay: NTPShortFormat = NTPShortFormat(rawValue: 0),
                rootDispersion: NTPShortFormat = NTPShortFormat(rawValue: 0),
                referenceID: ReferenceID = ReferenceID(rawValue: 0),
                referenceTime: NTPTimestamp = .zero, originTime: NTPTimestamp = .zero,
                receiveTime: NTPTimestamp = .zero, transmitTime: NTPTimestamp = .zero) {
        self.leap = leap
        self.version = version
        self.mode = mode
        self.stratum = stratum
        self.poll = poll
        self.precision = precision
        self.rootDelay = rootDelay
        self.rootDispersion = rootDispersion
        self.referenceID = referenceID
        self.referenceTime = referenceTime
        self.originTime = originTime
        self.receiveTime = receiveTime
        self.transmitTime = transmitTime
    }

    /// An NTPv4 client request as SNTP sends it (RFC 4330 §5): every field zero except
    /// version, mode and the transmit timestamp, which carries `nonce` — the server copies it
    /// into the reply's origin timestamp, and only a reply that does is believed.
    public static func clientRequest(nonce: NTPTimestamp) -> NTPPacket {
        NTPPacket(mode: .client, transmitTime: nonce)
    }

    /// Decodes the header from the first 48 bytes of `bytes`.
    public init(decoding bytes: [UInt8]) throws(NTPPacketError) {
        guard bytes.count >= Self.headerSize else { throw .tooShort(length: bytes.count) }
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        func timestamp(_ at: Int) -> NTPTimestamp {
            NTPTimestamp(seconds: word(at), fraction: word(at + 4))
        }
        leap = LeapIndicator(rawValue: bytes[0] >> 6)!
        version = (bytes[0] >> 3) & 0x7
        mode = NTPMode(rawValue: bytes[0] & 0x7)!
        stratum = bytes[1]
        poll = Int8(bitPattern: bytes[2])
        precision = Int8(bitPattern: bytes[3])
        rootDelay = NTPShortFormat(rawValue: word(4))
        rootDispersion = NTPShortFormat(rawValue: word(8))
        referenceID = ReferenceID(rawValue: word(12))
        referenceTime = timestamp(16)
        originTime = timestamp(24)
        receiveTime = timestamp(32)
        transmitTime = timestamp(40)
    }

    /// The 48 wire bytes (big-endian).
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize)
        func append(_ value: UInt32) {
            bytes.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) })
        }
        bytes.append(leap.rawValue << 6 | (version & 0x7) << 3 | mode.rawValue)
        bytes.append(stratum)
        bytes.append(UInt8(bitPattern: poll))
        bytes.append(UInt8(bitPattern: precision))
        append(rootDelay.rawValue)
        append(rootDispersion.rawValue)
        append(referenceID.rawValue)
        for timestamp in [referenceTime, originTime, receiveTime, transmitTime] {
            append(timestamp.seconds)
            append(timestamp.fraction)
        }
        return bytes
    }
}
