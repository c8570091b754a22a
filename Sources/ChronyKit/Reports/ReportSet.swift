/// Several chronyc reports read together (one `chronyc -c -m` run, or one saved file). Each
/// is nil when it was not asked for. Encoded in JSON as an object with one key per report
/// present (the chronyc command word).
public struct ReportSet: Sendable, Equatable, Codable {
    public var tracking: TrackingReport?
    public var sources: [SourceReport]?
    public var sourcestats: [SourceStatsReport]?
    public var serverstats: ServerStatsReport?
    public var activity: ActivityReport?
    public var ntpdata: [NTPDataReport]?
    public var clients: [ClientReport]?
    public var authdata: [AuthDataReport]?
    public var selectdata: [SelectDataReport]?

    public init(tracking: TrackingReport? = nil, sources: [SourceReport]? = nil,
                sourcestats: [SourceStatsReport]? = nil, serverstats: ServerStatsReport? = nil,
                activity: ActivityReport? = nil, ntpdata: [NTPDataReport]? = nil, clients: [ClientReport]? = nil,
                authdata: [AuthDataReport]? = nil, selectdata: [SelectDataReport]? = nil) {
        self.tracking = tracking
        self.sources = sources
        self.sourcestats = sourcestats
        self.serverstats = serverstats
        self.activity = activity
        self.ntpdata = ntpdata
        self.clients = clients
        self.authdata = authdata
        self.selectdata = selectdata
    }

    /// The reports present, in `ReportKind` order.
    public var kinds: [ReportKind] {
        ReportKind.allCases.filter { contains($0) }
    }

    public func contains(_ kind: ReportKind) -> Bool {
        switch kind {
        case .tracking: return tracking != nil
        case .sources: return sources != nil
        case .sourcestats: return sourcestats != nil
        case .serverstats: return serverstats != nil
        case .activity: return activity != nil
        case .ntpdata: return ntpdata != nil
        case .clients: return clients != nil
        case .authdata: return authdata != nil
        case .selectdata: return selectdata != nil
        }
    }

    /// Parses the complete `chronyc -c KIND` output for one report into this set (replacing
    /// what was there for that report).
    public mutating func parse(_ kind: ReportKind, csv text: Substring) throws(ReportParseError) {
        try parse(kind, lines: ReportLines.split(text))
    }

    /// Parses a report's lines (its output split by `ReportLines.split`) into this set.
    mutating func parse(_ kind: ReportKind, lines: [Substring]) throws(ReportParseError) {
        if kind.isSingleLine {
            guard let first = lines.first else {
                throw ReportParseError(report: kind, line: 1, fieldNumber: 0, field: "", problem: .missingLine)
            }
            if lines.count > 1 {
                throw ReportParseError(report: kind, line: 2, fieldNumber: 0, field: "", problem: .extraLine)
            }
            switch kind {
            case .tracking: tracking = try TrackingReport.parse(csv: first)
            case .serverstats: serverstats = try ServerStatsReport.parse(csv: first)
            case .activity: activity = try ActivityReport.parse(csv: first)
            default: break
            }
            return
        }
        switch kind {
        case .sources: sources = try Self.parseLines(lines, SourceReport.parse)
        case .sourcestats: sourcestats = try Self.parseLines(lines, SourceStatsReport.parse)
        case .ntpdata: ntpdata = try Self.parseLines(lines, NTPDataReport.parse)
        case .clients: clients = try Self.parseLines(lines, ClientReport.parse)
        case .authdata: authdata = try Self.parseLines(lines, AuthDataReport.parse)
        case .selectdata: selectdata = try Self.parseLines(lines, SelectDataReport.parse)
        default: break
        }
    }

    /// Parses the complete `chronyc -c KIND` output for one report.
    public static func parse(_ kind: ReportKind, csv text: Substring) throws(ReportParseError) -> ReportSet {
        var set = ReportSet()
        try set.parse(kind, csv: text)
        return set
    }

    private static func parseLines<T>(_ lines: [Substring],
                                      _ parse: (Substring, Int) throws(ReportParseError) -> T) throws(ReportParseError) -> [T] {
        var result: [T] = []
        result.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            result.append(try parse(line, index + 1))
        }
        return result
    }
}
