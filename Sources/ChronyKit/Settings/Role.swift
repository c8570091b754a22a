/// The part a node plays in the stand.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Syncs from upstream (public) servers and serves the gateway.
    case relay
    /// Syncs from the relays; the stand's one entry point for the host and applications.
    case gateway
}

/// Who may query the NTP server.
public enum AllowList: Sendable, Equatable {
    /// `allow all`: anyone. Must be asked for explicitly.
    case all
    case networks([CIDR])

    /// Loopback and the private ranges: what a stand on a container network needs, and no more.
    public static let privateNetworks = AllowList.networks(
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
            .map { CIDR.parse($0)! })
}

/// chronyd's `-L` log level.
public enum ChronydLogLevel: Int, Sendable, CaseIterable {
    case info = 0, warning = 1, error = 2, fatal = 3

    /// Accepts 0..3 or the words info, warning (warn), error, fatal.
    public static func parse(_ text: String) -> ChronydLogLevel? {
        switch text.lowercased() {
        case "0", "info": return .info
        case "1", "warn", "warning": return .warning
        case "2", "error": return .error
        case "3", "fatal": return .fatal
        default: return nil
        }
    }
}
