/// `chronyc tracking`: the state of the system clock and its reference. Offsets, delays and
/// dispersions in seconds; frequencies in ppm.
public struct TrackingReport: Sendable, Equatable, Codable {
    /// The reference ID of the selected source (`00000000` when unsynchronised; `7F7F0101`
    /// for the local clock).
    public var referenceID: ReferenceID
    /// The selected source's address or reference clock name; empty for none and the local clock.
    public var referenceName: String
    public var stratum: Int
    /// When the last measurement from the reference was processed (the epoch when never).
    public var referenceTime: Timestamp
    /// How far the system clock is from NTP time, seconds; positive: the system clock is
    /// slow (chronyc: "seconds slow of NTP time").
    public var systemTime: Double
    public var lastOffset: Double
    public var rmsOffset: Double
    /// The system clock's frequency error, ppm; positive: the clock is fast.
    public var frequencyPPM: Double
    public var residualFrequencyPPM: Double
    public var skewPPM: Double
    public var rootDelay: Double
    public var rootDispersion: Double
    /// Seconds between the last two clock updates.
    public var updateInterval: Double
    public var leapStatus: LeapStatus

    public init(referenceID: ReferenceID, referenceName: String, stratum: Int, referenceTime: Timestamp,
                systemTime: Double, lastOffset: Double, rmsOffset: Double, frequencyPPM: Double,
                residualFrequencyPPM: Double, skewPPM: Double, rootDelay: Double, rootDispersion: Double,
                updateInterval: Double, leapStatus: LeapStatus) {
        self.referenceID = referenceID
        self.referenceName = referenceName
        self.stratum = stratum
        self.referenceTime = referenceTime
        self.systemTime = systemTime
        self.lastOffset = lastOffset
        self.rmsOffset = rmsOffset
        self.frequencyPPM = frequencyPPM
        self.residualFrequencyPPM = residualFrequencyPPM
        self.skewPPM = skewPPM
        self.rootDelay = rootDelay
        self.rootDispersion = rootDispersion
        self.updateInterval = updateInterval
        self.leapStatus = leapStatus
    }

    /// True when chronyd considers the clock synchronised to a source.
    public var isSynchronised: Bool { leapStatus != .notSynchronised }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case referenceID = "reference_id"
        case referenceName = "reference_name"
        case stratum
        case referenceTime = "reference_time"
        case systemTime = "system_time"
        case lastOffset = "last_offset"
        case rmsOffset = "rms_offset"
        case frequencyPPM = "frequency_ppm"
        case residualFrequencyPPM = "residual_frequency_ppm"
        case skewPPM = "skew_ppm"
        case rootDelay = "root_delay"
        case rootDispersion = "root_dispersion"
        case updateInterval = "update_interval"
        case leapStatus = "leap_status"
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 14

    /// Parses one `chronyc -c tracking` line.
    public static func parse(csv line: Substring, lineNumber: Int = 1) throws(ReportParseError) -> TrackingReport {
        let r = try CSVRecord(line, report: .tracking, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        return TrackingReport(
            referenceID: try r.referenceID(0),
            referenceName: r.string(1),
            stratum: Int(try r.unsigned(2, UInt16.self)),
            referenceTime: try r.timestamp(3),
            systemTime: try r.double(4),
            lastOffset: try r.double(5),
            rmsOffset: try r.double(6),
            frequencyPPM: try r.double(7),
            residualFrequencyPPM: try r.double(8),
            skewPPM: try r.double(9),
            rootDelay: try r.double(10),
            rootDispersion: try r.double(11),
            updateInterval: try r.double(12),
            leapStatus: try r.choice(13, LeapStatus.csvTable, expected: LeapStatus.expected))
    }
}
