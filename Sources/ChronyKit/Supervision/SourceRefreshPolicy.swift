/// When `run` asks chronyd to resolve its sources' names again (`chronyc refresh`).
///
/// chronyd resolves `server NAME` once. In the stand a relay that is stopped and started
/// again comes back with a new address (Docker and podman hand out addresses anew), and
/// chronyd 4.3 kept polling the old one for minutes: the gateway stayed below
/// NTP_MIN_SOURCES with every relay back. So while a source has not answered its last two
/// polls (`SourceReport.isUnreachable`, the one definition), `run` asks for a refresh, at most once every
/// `minimumInterval`. Only settings that name a source by host name need it.
public struct SourceRefreshPolicy: Sendable, Equatable {
    /// The shortest time between two refreshes.
    public var minimumInterval: Duration

    public init(minimumInterval: Duration = .seconds(16)) {
        self.minimumInterval = minimumInterval
    }

    /// Whether any source of `settings` is given by host name (addresses are never resolved).
    public static func applies(to settings: ChronySettings) -> Bool {
        settings.servers.contains { if case .name = $0.host { true } else { false } }
    }

    /// The server sources that did not answer their last two polls.
    public static func unreachable(_ sources: [SourceReport]) -> [SourceReport] {
        sources.filter(\.isUnreachable)
    }

    /// True when a server source is unreachable and the last refresh (nil: none yet) was at
    /// least `minimumInterval` ago.
    public func isDue(sources: [SourceReport], sinceLastRefresh: Duration?) -> Bool {
        guard !Self.unreachable(sources).isEmpty else { return false }
        guard let sinceLastRefresh else { return true }
        return sinceLastRefresh >= minimumInterval
    }
}
