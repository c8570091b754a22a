/// `chronyc activity`: how many sources are online, offline, in a burst or unresolved.
public struct ActivityReport: Sendable, Equatable, Codable {
    public var online: Int
    public var offline: Int
    /// Sources doing a burst, returning to online afterwards.
    public var burstOnline: Int
    /// Sources doing a burst, returning to offline afterwards.
    public var burstOffline: Int
    /// Sources whose name is not resolved yet.
    public var unknownAddress: Int

    public init(online: Int, offline: Int, burstOnline: Int, burstOffline: Int, unknownAddress: Int) {
        self.online = online
        self.offline = offline
        self.burstOnline = burstOnline
        self.burstOffline = burstOffline
        self.unknownAddress = unknownAddress
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case online, offline
        case burstOnline = "burst_online"
        case burstOffline = "burst_offline"
        case unknownAddress = "unknown_address"
    }

    static let fieldNames = CodingKeys.allCases.map(\.rawValue)
    /// Fields in chrony 4.3 to 4.8.
    public static let minimumFields = 5

    /// Parses the `chronyc -c activity` line.
    public static func parse(csv line: Substring, lineNumber: Int = 1) throws(ReportParseError) -> ActivityReport {
        let r = try CSVRecord(line, report: .activity, lineNumber: lineNumber, names: fieldNames, minimum: minimumFields)
        return ActivityReport(
            online: Int(try r.unsigned(0, UInt32.self)),
            offline: Int(try r.unsigned(1, UInt32.self)),
            burstOnline: Int(try r.unsigned(2, UInt32.self)),
            burstOffline: Int(try r.unsigned(3, UInt32.self)),
            unknownAddress: Int(try r.unsigned(4, UInt32.self)))
    }
}
