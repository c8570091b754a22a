/// One line of `chronyc clients`: a host that sent NTP or command packets to chronyd.
/// Intervals are log2 seconds of the average interval; nil where chronyc prints `-`.
public struct ClientReport: Sendable, Equatable, Codable {
    public var address: String
    public var ntpPackets: UInt32
    public var ntpDropped: UInt32
    /// Average interval between NTP packets, log2 seconds.
    public var ntpInterval: Int?
    /// Average interval between NTP packets after rate limiting, log2 seconds.
    public var ntpLimitedInterval: Int?
    /// Seconds since the last NTP packet; nil when never.
    public var lastNTP: UInt32?
    public var commandPackets: UInt32
    public var commandDropped: UInt32
    public var commandInterval: Int?
    /// Seconds since the last command packet; nil when never.
    public var lastCommand: UInt32?

    public init(address: String, ntpPackets: UInt32, ntpDropped: UInt32, ntpInterval: Int?, ntpLimitedInterval: Int?,
                lastNTP: UInt32?, commandPackets: UInt32, commandDropped: UInt32, commandInterval: Int?,
                lastCommand: UInt32?) {
        self.address = address
        self.ntpPackets = ntpPackets
        self.ntpDropped = ntpDropped
        self.ntpInterval = ntpInterval
        self.ntpLimitedInterval = ntpLimitedInterval
        self.lastNTP = lastNTP
        self.commandPackets = commandPackets
        self.commandDropped = commandDropped
        self.commandInterval = commandInterval
        self.lastCommand = lastCommand
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case address
        case ntpPackets = "ntp_packets"
        case ntpDropped = "ntp_dropped"
        case ntpInterval = "ntp_interval"
        case ntpLimitedInterval = "ntp_limited_interval"
        case lastNTP = "last_ntp"
        case commandPackets = "command_packets"
        case commandDropped = "command_dropped"
        case commandInterval = "command_interval"
        case lastCommand = "last_command"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(ntpPackets, forKey: .ntpPackets)
        try c.encode(ntpDropped, forKey: .ntpDropped)
        try c.encode(ntpInterval, forKey: .ntpInterval)
        try c.encode(ntpLimitedInterval, forKey: .ntpLimitedInterval)
        try c.encode(lastNTP, forKey: .lastNTP)
        try c.encode(commandPackets, forKey: .commandPackets)
        try c.encode(commandDropped, forKey: .commandDropped)
        try c.encode(commandInterval, forKey: .commandInterval)
        try c.encode(lastCommand, forKey: .lastCommand)
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 10

    /// chronyc prints an interval of 127 or more as `-` (no estimate).
    static func interval(_ r: CSVRecord, _ index: Int) throws(ReportParseError) -> Int? {
        let value = try r.int(index)
        guard value >= -128 && value <= 127 else { throw r.error(index, expected: "an interval from -128 to 127") }
        return value >= 127 ? nil : value
    }

    /// Parses one `chronyc -c clients` line.
    public static func parse(csv line: Substring, lineNumber: Int) throws(ReportParseError) -> ClientReport {
        let r = try CSVRecord(line, report: .clients, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        return ClientReport(
            address: try r.word(0),
            ntpPackets: try r.unsigned(1),
            ntpDropped: try r.unsigned(2),
            ntpInterval: try interval(r, 3),
            ntpLimitedInterval: try interval(r, 4),
            lastNTP: try r.secondsAgo(5),
            commandPackets: try r.unsigned(6),
            commandDropped: try r.unsigned(7),
            commandInterval: try interval(r, 8),
            lastCommand: try r.secondsAgo(9))
    }
}
