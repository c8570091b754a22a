/// The one definition of "reachable", used by the verdict, the state machine's counts, the
/// reselect and the refresh policies alike.
///
/// A source is reachable when it answered at least one of its last two polls (the low two
/// bits of chronyd's octal reach register, a shift register of the last eight): one lost
/// packet is tolerated, a stopped relay is noticed within two polls. Only NTP servers
/// (and peers) are counted: a reference clock (`#`) is no network source, and the roles'
/// expectations (NTP_MIN_SOURCES, a gateway's relays) are about servers.
extension SourceReport {
    /// The reach bits that count: the last two polls.
    public static let reachMask = 0b11

    /// An NTP server or peer, not a reference clock.
    public var isNetworkSource: Bool { mode != .referenceClock }

    /// A network source that answered at least one of its last two polls.
    public var isReachable: Bool { isNetworkSource && reach & Self.reachMask != 0 }

    /// A network source that missed both of its last two polls.
    public var isUnreachable: Bool { isNetworkSource && reach & Self.reachMask == 0 }
}
