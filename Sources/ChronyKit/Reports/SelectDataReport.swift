/// One line of `chronyc selectdata`: why chronyd's source selection did or did not use a
/// source (its state letter), its options, score and offset interval.
public struct SelectDataReport: Sendable, Equatable, Codable {
    /// chronyd's selection state letter: `*` best, `+` combined, `x` falseticker, `N`
    /// noselect, `s` unsynchronised, `M` missing samples, `d`/`D` large distance, `~`
    /// jittery, `w`/`W` waits for others, `S` stale, `O` orphan, `T` not trusted, `P` not
    /// preferred, `U` waits for update.
    public var state: String
    public var name: String
    /// Whether the source's packets are authenticated (symmetric key or NTS).
    public var authenticated: Bool
    /// Configured options, five letters or `-`: N noselect, P prefer, T trust, R require.
    public var configuredOptions: String
    /// Effective options (chronyd adds trust and require to authenticated sources when
    /// `authselectmode` says so).
    public var effectiveOptions: String
    /// Seconds since the last sample; nil when never.
    public var lastSample: UInt32?
    public var score: Double
    /// The interval that contains the true offset, in seconds.
    public var lowLimit: Double
    public var highLimit: Double
    public var leapStatus: LeapStatus

    public init(state: String, name: String, authenticated: Bool, configuredOptions: String,
                effectiveOptions: String, lastSample: UInt32?, score: Double, lowLimit: Double,
                highLimit: Double, leapStatus: LeapStatus) {
        self.state = state
        self.name = name
        self.authenticated = authenticated
        self.configuredOptions = configuredOptions
        self.effectiveOptions = effectiveOptions
        self.lastSample = lastSample
        self.score = score
        self.lowLimit = lowLimit
        self.highLimit = highLimit
        self.leapStatus = leapStatus
    }

    enum CodingKeys: String, CodingKey {
        case state, name, authenticated
        case configuredOptions = "configured_options"
        case effectiveOptions = "effective_options"
        case lastSample = "last_sample_ago"
        case score
        case lowLimit = "low_limit"
        case highLimit = "high_limit"
        case leapStatus = "leap_status"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
        try c.encode(name, forKey: .name)
        try c.encode(authenticated, forKey: .authenticated)
        try c.encode(configuredOptions, forKey: .configuredOptions)
        try c.encode(effectiveOptions, forKey: .effectiveOptions)
        try c.encode(lastSample, forKey: .lastSample)
        try c.encode(score, forKey: .score)
        try c.encode(lowLimit, forKey: .lowLimit)
        try c.encode(highLimit, forKey: .highLimit)
        try c.encode(leapStatus, forKey: .leapStatus)
    }

    /// Field names of the 18 CSV fields (each option letter is a field of its own).
    static let fieldNames = ["state", "name", "authenticated"]
        + (1...5).map { "configured_options[\($0)]" } + (1...5).map { "effective_options[\($0)]" }
        + ["last_sample_ago", "score", "low_limit", "high_limit", "leap_status"]
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 18

    static let stateLetters: Set<String> = ["*", "+", "x", "N", "s", "M", "d", "D", "~", "w", "W", "S", "O", "T", "P", "U"]

    /// Parses one `chronyc -c selectdata` line.
    public static func parse(csv line: Substring, lineNumber: Int) throws(ReportParseError) -> SelectDataReport {
        let r = try CSVRecord(line, report: .selectdata, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        let state = r.string(0)
        guard stateLetters.contains(state) else { throw r.error(0, expected: "a selection state letter such as *, +, x, s or N") }
        func options(_ first: Int, _ letters: [Character]) throws(ReportParseError) -> String {
            var out = ""
            for (offset, letter) in letters.enumerated() {
                let text = r.string(first + offset)
                guard text == "-" || text == String(letter) else { throw r.error(first + offset, expected: "\(letter) or -") }
                out += text
            }
            return out
        }
        let letters: [Character] = ["N", "P", "T", "R", "-"]
        return SelectDataReport(
            state: state,
            name: r.string(1),
            authenticated: try r.choice(2, [("Y", true), ("N", false)], expected: "Y or N"),
            configuredOptions: try options(3, letters),
            effectiveOptions: try options(8, letters),
            lastSample: try r.secondsAgo(13),
            score: try r.double(14),
            lowLimit: try r.double(15),
            highLimit: try r.double(16),
            leapStatus: try r.choice(17, LeapStatus.csvTable, expected: LeapStatus.expected))
    }
}

extension LeapStatus {
    /// The one letter chronyc's `%1L` prints (selectdata): N, +, - or ?.
    public var chronycLetter: String {
        switch self {
        case .normal: return "N"
        case .insertSecond: return "+"
        case .deleteSecond: return "-"
        case .notSynchronised: return "?"
        }
    }
}
