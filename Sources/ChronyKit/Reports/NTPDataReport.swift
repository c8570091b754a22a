/// The NTP mode of the last packet from a source (`chronyc ntpdata`, Mode).
public enum NTPDataMode: String, Sendable, CaseIterable, Codable {
    case server
    case symmetricActive = "symmetric_active"
    case symmetricPassive = "symmetric_passive"
    /// No valid packet yet (chronyc prints `Invalid`).
    case invalid

    /// The word chronyc prints.
    public var chronycWord: String {
        switch self {
        case .server: return "Server"
        case .symmetricActive: return "Symmetric active"
        case .symmetricPassive: return "Symmetric passive"
        case .invalid: return "Invalid"
        }
    }
}

/// Where a packet's timestamp was taken (`chronyc ntpdata`, TX/RX timestamping).
public enum TimestampSource: String, Sendable, CaseIterable, Codable {
    case daemon
    case kernel
    case hardware
    /// No packet yet (chronyc prints `Invalid`).
    case invalid

    /// The word chronyc prints.
    public var chronycWord: String {
        switch self {
        case .daemon: return "Daemon"
        case .kernel: return "Kernel"
        case .hardware: return "Hardware"
        case .invalid: return "Invalid"
        }
    }
}

/// The results of the NTP tests on the last packet, in chronyc's three groups (`111 111 1111`
/// when all passed). Encoded as that text.
public struct NTPTests: Sendable, Hashable, Codable, CustomStringConvertible {
    /// RFC 5905 tests 1-3 (duplicate, bogus, invalid packet), 3 bits, most significant first.
    public var packet: UInt8
    /// RFC 5905 tests 5-7 (authentication, synchronised, distance), 3 bits.
    public var header: UInt8
    /// chrony's tests: maximum delay, delay ratio, delay deviation ratio (or quantile) and
    /// synchronisation loop, 4 bits.
    public var sample: UInt8

    public init(packet: UInt8, header: UInt8, sample: UInt8) {
        self.packet = packet & 0b111
        self.header = header & 0b111
        self.sample = sample & 0b1111
    }

    /// True when every test passed.
    public var allPassed: Bool { packet == 0b111 && header == 0b111 && sample == 0b1111 }

    /// `111 111 1111`.
    public var description: String {
        Self.binary(packet, 3) + " " + Self.binary(header, 3) + " " + Self.binary(sample, 4)
    }

    static func binary(_ value: UInt8, _ digits: Int) -> String {
        String((0..<digits).reversed().map { value & (1 << $0) != 0 ? "1" : "0" })
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let groups = text.split(separator: " ", omittingEmptySubsequences: false)
        guard groups.count == 3, groups[0].count == 3, groups[1].count == 3, groups[2].count == 4,
              let a = CSVRecord.parseUnsigned(groups[0], radix: 2, as: UInt8.self),
              let b = CSVRecord.parseUnsigned(groups[1], radix: 2, as: UInt8.self),
              let c = CSVRecord.parseUnsigned(groups[2], radix: 2, as: UInt8.self) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected three groups of binary digits like \"111 111 1111\", got \(text)")
        }
        self.init(packet: a, header: b, sample: c)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One source's block of `chronyc ntpdata`: the last NTP packet exchanged with it and packet
/// counters. chrony 4.3 to 4.5 print 34 fields; 4.6 and later add the kernel and hardware
/// timestamp counters (nil when absent).
public struct NTPDataReport: Sendable, Equatable, Codable {
    public var remoteAddress: String
    /// The remote address as a reference ID (IPv4, or a hash of IPv6).
    public var remoteReferenceID: ReferenceID
    public var remotePort: Int
    /// The local address (`[UNSPEC]` before the first packet).
    public var localAddress: String
    public var localReferenceID: ReferenceID
    public var leapStatus: LeapStatus
    public var version: Int
    public var mode: NTPDataMode
    public var stratum: Int
    /// Poll interval of the packet, log2 seconds.
    public var poll: Int
    /// Precision of the source's clock, log2 seconds.
    public var precision: Int
    public var rootDelay: Double
    public var rootDispersion: Double
    public var referenceID: ReferenceID
    /// The reference ID as text (reference clocks at stratum 0/1); often empty.
    public var referenceName: String
    public var referenceTime: Timestamp
    /// Seconds; positive: the source is ahead.
    public var offset: Double
    public var peerDelay: Double
    public var peerDispersion: Double
    public var responseTime: Double
    public var jitterAsymmetry: Double
    public var tests: NTPTests
    public var interleaved: Bool
    public var authenticated: Bool
    public var txTimestamping: TimestampSource
    public var rxTimestamping: TimestampSource
    public var totalTx: UInt32
    public var totalRx: UInt32
    public var totalValidRx: UInt32
    public var totalGoodRx: UInt32
    /// chrony 4.6 and later.
    public var totalKernelTx: UInt32?
    public var totalKernelRx: UInt32?
    public var totalHardwareTx: UInt32?
    public var totalHardwareRx: UInt32?

    public init(remoteAddress: String, remoteReferenceID: ReferenceID, remotePort: Int, localAddress: String,
                localReferenceID: ReferenceID, leapStatus: LeapStatus, version: Int, mode: NTPDataMode, stratum: Int,
                poll: Int, precision: Int, rootDelay: Double, rootDispersion: Double, referenceID: ReferenceID,
                referenceName: String, referenceTime: Timestamp, offset: Double, peerDelay: Double,
                peerDispersion: Double, responseTime: Double, jitterAsymmetry: Double, tests: NTPTests,
                interleaved: Bool, authenticated: Bool, txTimestamping: TimestampSource,
                rxTimestamping: TimestampSource, totalTx: UInt32, totalRx: UInt32, totalValidRx: UInt32,
                totalGoodRx: UInt32, totalKernelTx: UInt32? = nil, totalKernelRx: UInt32? = nil,
                totalHardwareTx: UInt32? = nil, totalHardwareRx: UInt32? = nil) {
        self.remoteAddress = remoteAddress
        self.remoteReferenceID = remoteReferenceID
        self.remotePort = remotePort
        self.localAddress = localAddress
        self.localReferenceID = localReferenceID
        self.leapStatus = leapStatus
        self.version = version
        self.mode = mode
        self.stratum = stratum
        self.poll = poll
        self.precision = precision
        self.rootDelay = rootDelay
        self.rootDispersion = rootDispersion
        self.referenceID = referenceID
        self.referenceName = referenceName
        self.referenceTime = referenceTime
        self.offset = offset
        self.peerDelay = peerDelay
        self.peerDispersion = peerDispersion
        self.responseTime = responseTime
        self.jitterAsymmetry = jitterAsymmetry
        self.tests = tests
        self.interleaved = interleaved
        self.authenticated = authenticated
        self.txTimestamping = txTimestamping
        self.rxTimestamping = rxTimestamping
        self.totalTx = totalTx
        self.totalRx = totalRx
        self.totalValidRx = totalValidRx
        self.totalGoodRx = totalGoodRx
        self.totalKernelTx = totalKernelTx
        self.totalKernelRx = totalKernelRx
        self.totalHardwareTx = totalHardwareTx
        self.totalHardwareRx = totalHardwareRx
    }

    /// The CSV columns in order; `poll_interval` and `precision_seconds` are 2^poll and
    /// 2^precision, printed by chronyc and derived here.
    static let fieldNames = [
        "remote_address", "remote_reference_id", "remote_port", "local_address", "local_reference_id",
        "leap_status", "version", "mode", "stratum", "poll", "poll_interval", "precision", "precision_seconds",
        "root_delay", "root_dispersion", "reference_id", "reference_name", "reference_time", "offset",
        "peer_delay", "peer_dispersion", "response_time", "jitter_asymmetry", "tests", "tests", "tests",
        "interleaved", "authenticated", "tx_timestamping", "rx_timestamping", "total_tx", "total_rx",
        "total_valid_rx", "total_good_rx", "total_kernel_tx", "total_kernel_rx", "total_hardware_tx",
        "total_hardware_rx",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case remoteAddress = "remote_address"
        case remoteReferenceID = "remote_reference_id"
        case remotePort = "remote_port"
        case localAddress = "local_address"
        case localReferenceID = "local_reference_id"
        case leapStatus = "leap_status"
        case version, mode, stratum, poll, precision
        case rootDelay = "root_delay"
        case rootDispersion = "root_dispersion"
        case referenceID = "reference_id"
        case referenceName = "reference_name"
        case referenceTime = "reference_time"
        case offset
        case peerDelay = "peer_delay"
        case peerDispersion = "peer_dispersion"
        case responseTime = "response_time"
        case jitterAsymmetry = "jitter_asymmetry"
        case tests, interleaved, authenticated
        case txTimestamping = "tx_timestamping"
        case rxTimestamping = "rx_timestamping"
        case totalTx = "total_tx"
        case totalRx = "total_rx"
        case totalValidRx = "total_valid_rx"
        case totalGoodRx = "total_good_rx"
        case totalKernelTx = "total_kernel_tx"
        case totalKernelRx = "total_kernel_rx"
        case totalHardwareTx = "total_hardware_tx"
        case totalHardwareRx = "total_hardware_rx"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(remoteAddress, forKey: .remoteAddress)
        try c.encode(remoteReferenceID, forKey: .remoteReferenceID)
        try c.encode(remotePort, forKey: .remotePort)
        try c.encode(localAddress, forKey: .localAddress)
        try c.encode(localReferenceID, forKey: .localReferenceID)
        try c.encode(leapStatus, forKey: .leapStatus)
        try c.encode(version, forKey: .version)
        try c.encode(mode, forKey: .mode)
        try c.encode(stratum, forKey: .stratum)
        try c.encode(poll, forKey: .poll)
        try c.encode(precision, forKey: .precision)
        try c.encode(rootDelay, forKey: .rootDelay)
        try c.encode(rootDispersion, forKey: .rootDispersion)
        try c.encode(referenceID, forKey: .referenceID)
        try c.encode(referenceName, forKey: .referenceName)
        try c.encode(referenceTime, forKey: .referenceTime)
        try c.encode(offset, forKey: .offset)
        try c.encode(peerDelay, forKey: .peerDelay)
        try c.encode(peerDispersion, forKey: .peerDispersion)
        try c.encode(responseTime, forKey: .responseTime)
        try c.encode(jitterAsymmetry, forKey: .jitterAsymmetry)
        try c.encode(tests, forKey: .tests)
        try c.encode(interleaved, forKey: .interleaved)
        try c.encode(authenticated, forKey: .authenticated)
        try c.encode(txTimestamping, forKey: .txTimestamping)
        try c.encode(rxTimestamping, forKey: .rxTimestamping)
        try c.encode(totalTx, forKey: .totalTx)
        try c.encode(totalRx, forKey: .totalRx)
        try c.encode(totalValidRx, forKey: .totalValidRx)
        try c.encode(totalGoodRx, forKey: .totalGoodRx)
        try c.encode(totalKernelTx, forKey: .totalKernelTx)
        try c.encode(totalKernelRx, forKey: .totalKernelRx)
        try c.encode(totalHardwareTx, forKey: .totalHardwareTx)
        try c.encode(totalHardwareRx, forKey: .totalHardwareRx)
    }

    /// Fields in chrony 4.3 to 4.5.
    public static let minimumFields = 34
    /// Fields in chrony 4.6 to 4.8.
    public static let kernelCounterFields = 38

    static let modeTable: [(String, NTPDataMode)] = NTPDataMode.allCases.map { ($0.chronycWord, $0) }
    static let timestampTable: [(String, TimestampSource)] = TimestampSource.allCases.map { ($0.chronycWord, $0) }

    /// Parses one `chronyc -c ntpdata` line.
    public static func parse(csv line: Substring, lineNumber: Int) throws(ReportParseError) -> NTPDataReport {
        let r = try CSVRecord(line, report: .ntpdata, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        if r.count > minimumFields && r.count < kernelCounterFields {
            throw ReportParseError(report: .ntpdata, line: lineNumber, fieldNumber: r.count + 1,
                                   field: fieldNames[r.count],
                                   problem: .missingField(found: r.count, minimum: kernelCounterFields))
        }
        let poll = try r.int(9)
        _ = try r.double(10)
        let precision = try r.int(11)
        _ = try r.double(12)
        let timestampExpected = "Daemon, Kernel, Hardware or Invalid"
        let hasKernelCounters = r.count >= kernelCounterFields
        return NTPDataReport(
            remoteAddress: try r.word(0),
            remoteReferenceID: try r.referenceID(1),
            remotePort: Int(try r.unsigned(2, UInt16.self)),
            localAddress: try r.word(3),
            localReferenceID: try r.referenceID(4),
            leapStatus: try r.choice(5, LeapStatus.csvTable, expected: LeapStatus.expected),
            version: Int(try r.unsigned(6, UInt8.self)),
            mode: try r.choice(7, modeTable, expected: "Server, Symmetric active, Symmetric passive or Invalid"),
            stratum: Int(try r.unsigned(8, UInt8.self)),
            poll: poll,
            precision: precision,
            rootDelay: try r.double(13),
            rootDispersion: try r.double(14),
            referenceID: try r.referenceID(15),
            referenceName: r.string(16),
            referenceTime: try r.timestamp(17),
            offset: try r.double(18),
            peerDelay: try r.double(19),
            peerDispersion: try r.double(20),
            responseTime: try r.double(21),
            jitterAsymmetry: try r.double(22),
            tests: NTPTests(packet: try r.bits(23, digits: 3), header: try r.bits(24, digits: 3), sample: try r.bits(25, digits: 4)),
            interleaved: try r.bool(26),
            authenticated: try r.bool(27),
            txTimestamping: try r.choice(28, timestampTable, expected: timestampExpected),
            rxTimestamping: try r.choice(29, timestampTable, expected: timestampExpected),
            totalTx: try r.unsigned(30),
            totalRx: try r.unsigned(31),
            totalValidRx: try r.unsigned(32),
            totalGoodRx: try r.unsigned(33),
            totalKernelTx: hasKernelCounters ? try r.unsigned(34) : nil,
            totalKernelRx: hasKernelCounters ? try r.unsigned(35) : nil,
            totalHardwareTx: hasKernelCounters ? try r.unsigned(36) : nil,
            totalHardwareRx: hasKernelCounters ? try r.unsigned(37) : nil)
    }
}
