/// How chronyd uses a source (`chronyc sources`, first column).
public enum SourceMode: String, Sendable, CaseIterable, Codable {
    /// `^`: an NTP server chronyd polls.
    case server
    /// `=`: a symmetric peer.
    case peer
    /// `#`: a local reference clock (refclock).
    case referenceClock = "reference_clock"

    /// The character chronyc prints.
    public var symbol: Character {
        switch self {
        case .server: return "^"
        case .peer: return "="
        case .referenceClock: return "#"
        }
    }
}

/// The selection state of a source (`chronyc sources`, second column).
public enum SourceState: String, Sendable, CaseIterable, Codable {
    /// `*`: the current best source, the one the clock follows.
    case selected
    /// `+`: acceptable and combined with the selected one.
    case combined
    /// `-`: acceptable but not combined.
    case notCombined = "not_combined"
    /// `?`: unusable: connectivity lost or its packets fail the tests.
    case unusable
    /// `x`: a falseticker: its time disagrees with the majority.
    case falseticker
    /// `~`: too variable.
    case tooVariable = "too_variable"

    /// The character chronyc prints.
    public var symbol: Character {
        switch self {
        case .selected: return "*"
        case .combined: return "+"
        case .notCombined: return "-"
        case .unusable: return "?"
        case .falseticker: return "x"
        case .tooVariable: return "~"
        }
    }
}

/// One line of `chronyc sources`: a time source and its last sample. Seconds throughout.
public struct SourceReport: Sendable, Equatable, Codable {
    public var mode: SourceMode
    public var state: SourceState
    /// The address (never DNS-resolved) or reference clock name.
    public var name: String
    public var stratum: Int
    /// The polling interval as log2 seconds (`-3` is 1/8 s, `6` is 64 s).
    public var poll: Int
    /// The reachability register (8 bits, the last 8 polls; chronyc prints it in octal,
    /// `377` when all answered).
    public var reach: Int
    /// Seconds since the last good sample; nil when none was ever received.
    public var lastRx: UInt32?
    /// The last sample's offset, adjusted for clock slewing since (seconds; positive: the
    /// source is ahead of the local clock).
    public var adjustedOffset: Double
    /// The last sample's offset as measured.
    public var measuredOffset: Double
    /// The last sample's error bound (`+/-`).
    public var estimatedError: Double

    public init(mode: SourceMode, state: SourceState, name: String, stratum: Int, poll: Int, reach: Int,
                lastRx: UInt32?, adjustedOffset: Double, measuredOffset: Double, estimatedError: Double) {
        self.mode = mode
        self.state = state
        self.name = name
        self.stratum = stratum
        self.poll = poll
        self.reach = reach
        self.lastRx = lastRx
        self.adjustedOffset = adjustedOffset
        self.measuredOffset = measuredOffset
        self.estimatedError = estimatedError
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mode, state, name, stratum, poll, reach
        case lastRx = "last_rx"
        case adjustedOffset = "adjusted_offset"
        case measuredOffset = "measured_offset"
        case estimatedError = "estimated_error"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(state, forKey: .state)
        try c.encode(name, forKey: .name)
        try c.encode(stratum, forKey: .stratum)
        try c.encode(poll, forKey: .poll)
        try c.encode(reach, forKey: .reach)
        try c.encode(lastRx, forKey: .lastRx)
        try c.encode(adjustedOffset, forKey: .adjustedOffset)
        try c.encode(measuredOffset, forKey: .measuredOffset)
        try c.encode(estimatedError, forKey: .estimatedError)
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 10

    static let modeTable: [(String, SourceMode)] = SourceMode.allCases.map { (String($0.symbol), $0) }
    static let stateTable: [(String, SourceState)] = SourceState.allCases.map { (String($0.symbol), $0) }

    /// Parses one `chronyc -c sources` line.
    public static func parse(csv line: Substring, lineNumber: Int) throws(ReportParseError) -> SourceReport {
        let r = try CSVRecord(line, report: .sources, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        return SourceReport(
            mode: try r.choice(0, modeTable, expected: "a source mode: ^ (server), = (peer) or # (reference clock)"),
            state: try r.choice(1, stateTable, expected: "a source state: *, +, -, ?, x or ~"),
            name: try r.word(2),
            stratum: Int(try r.unsigned(3, UInt16.self)),
            poll: try r.int(4),
            reach: Int(try r.octal(5, limit: 0o377)),
            lastRx: try r.secondsAgo(6),
            adjustedOffset: try r.double(7),
            measuredOffset: try r.double(8),
            estimatedError: try r.double(9))
    }
}
