/// chrony's leap status, as tracking and ntpdata print it. JSON: the snake_case word.
public enum LeapStatus: String, Sendable, CaseIterable, Codable {
    case normal
    case insertSecond = "insert_second"
    case deleteSecond = "delete_second"
    /// The clock is not synchronised (chronyd: `Not synchronised`, with an s).
    case notSynchronised = "not_synchronised"

    /// The word chronyc prints.
    public var chronycWord: String {
        switch self {
        case .normal: return "Normal"
        case .insertSecond: return "Insert second"
        case .deleteSecond: return "Delete second"
        case .notSynchronised: return "Not synchronised"
        }
    }

    static let csvTable: [(String, LeapStatus)] = allCases.map { ($0.chronycWord, $0) }
    static let expected = "Normal, Insert second, Delete second or Not synchronised"
}
