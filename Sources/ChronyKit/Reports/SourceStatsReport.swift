/// One line of `chronyc sourcestats`: chronyd's regression over a source's samples.
public struct SourceStatsReport: Sendable, Equatable, Codable {
    /// The address or reference clock name.
    public var name: String
    /// Sample points in the measurement set (NP).
    public var samples: Int
    /// Runs of residuals with the same sign (NR).
    public var runs: Int
    /// Seconds between the oldest and newest sample; nil for chronyc's "never" value.
    public var span: UInt32?
    /// The estimated residual frequency of the source, ppm.
    public var frequencyPPM: Double
    /// The estimated error bound of that frequency, ppm.
    public var frequencySkewPPM: Double
    /// The estimated offset of the source, seconds.
    public var offset: Double
    /// The estimated sample standard deviation, seconds.
    public var standardDeviation: Double

    public init(name: String, samples: Int, runs: Int, span: UInt32?, frequencyPPM: Double,
                frequencySkewPPM: Double, offset: Double, standardDeviation: Double) {
        self.name = name
        self.samples = samples
        self.runs = runs
        self.span = span
        self.frequencyPPM = frequencyPPM
        self.frequencySkewPPM = frequencySkewPPM
        self.offset = offset
        self.standardDeviation = standardDeviation
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, samples, runs, span
        case frequencyPPM = "frequency_ppm"
        case frequencySkewPPM = "frequency_skew_ppm"
        case offset
        case standardDeviation = "standard_deviation"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(samples, forKey: .samples)
        try c.encode(runs, forKey: .runs)
        try c.encode(span, forKey: .span)
        try c.encode(frequencyPPM, forKey: .frequencyPPM)
        try c.encode(frequencySkewPPM, forKey: .frequencySkewPPM)
        try c.encode(offset, forKey: .offset)
        try c.encode(standardDeviation, forKey: .standardDeviation)
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 8

    /// Parses one `chronyc -c sourcestats` line.
    public static func parse(csv line: Substring, lineNumber: Int) throws(ReportParseError) -> SourceStatsReport {
        let r = try CSVRecord(line, report: .sourcestats, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        return SourceStatsReport(
            name: try r.word(0),
            samples: Int(try r.unsigned(1, UInt32.self)),
            runs: Int(try r.unsigned(2, UInt32.self)),
            span: try r.secondsAgo(3),
            frequencyPPM: try r.double(4),
            frequencySkewPPM: try r.double(5),
            offset: try r.double(6),
            standardDeviation: try r.double(7))
    }
}
