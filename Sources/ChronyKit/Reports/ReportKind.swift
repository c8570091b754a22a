/// A chronyc report chronyvisor reads, named by its chronyc command word.
public enum ReportKind: String, Sendable, CaseIterable, Codable, Hashable {
    case tracking
    case sources
    case sourcestats
    case serverstats
    case activity
    case ntpdata
    case clients
    case authdata
    case selectdata

    /// The chronyc command word (`chronyc -c WORD`).
    public var command: String { rawValue }

    /// True for reports that are always exactly one CSV line; the others have a line per
    /// source or client, possibly none.
    public var isSingleLine: Bool {
        switch self {
        case .tracking, .serverstats, .activity: return true
        case .sources, .sourcestats, .ntpdata, .clients, .authdata, .selectdata: return false
        }
    }

    /// True for reports chronyd answers only over its Unix command socket (`501 Not
    /// authorised` over UDP).
    public var needsUnixSocket: Bool {
        switch self {
        case .serverstats, .ntpdata, .clients, .authdata, .selectdata: return true
        case .tracking, .sources, .sourcestats, .activity: return false
        }
    }
}
