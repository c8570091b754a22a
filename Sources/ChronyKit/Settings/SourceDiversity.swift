/// Whether a node's servers are enough to outvote a wrong one. chrony finds a falseticker by
/// majority: with two servers that disagree it cannot tell which is wrong, with one it follows
/// whatever that one serves. Three is the least that can outvote one bad server (chrony's
/// documentation recommends at least four). Advice only: the node runs and serves either way.
public enum SourceDiversity {
    /// The least number of servers that can outvote one falseticker.
    public static let minimumToDetectFalseticker = 3

    /// The warning for `servers`, one sentence; nil with three or more.
    public static func warning(servers: [NTPSource]) -> String? {
        guard servers.count < minimumToDetectFalseticker else { return nil }
        let list = servers.map(\.description).joined(separator: ", ")
        return "only \(servers.count) upstream server\(servers.count == 1 ? "" : "s") (\(list)): "
            + "a falseticker cannot be detected with fewer than \(minimumToDetectFalseticker)"
    }
}
