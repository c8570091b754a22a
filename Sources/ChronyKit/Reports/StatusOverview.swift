/// What `chronyvisor status` shows first (and HTTP /status serves): the node's role, its
/// health in one line (filled in by the health check; nil until it exists), warnings about
/// its settings, a pending leap second, the leap-second list's expiry, the tracking block and
/// the sources table.
public struct StatusOverview: Sendable, Equatable, Codable {
    public var role: Role
    /// One line saying whether the node is healthy and why; nil when no verdict is available.
    public var health: String?
    /// The health verdict behind `health`, when one is known.
    public var verdict: HealthVerdict?
    /// Advice about the node's settings that does not fail it (fewer than three servers).
    public var warnings: [String] = []
    /// The leap-second list: where it is and when it expires, or why it cannot be read; nil
    /// when not read (LEAP_SECONDS_LIST=off, or a saved state without it).
    public var leapSecondsList: LeapSecondsListStatus?
    public var tracking: TrackingReport
    public var sources: [SourceReport]

    public init(role: Role, health: String? = nil, tracking: TrackingReport, sources: [SourceReport]) {
        self.role = role
        self.health = health
        self.verdict = nil
        self.tracking = tracking
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey {
        case role, health, verdict, warnings, tracking, sources
        case leapSecondPending = "leap_second_pending"
        case leapSecondsList = "leap_seconds_list"
    }

    /// `insert` or `delete` while chronyd announces a leap second for the end of this UTC
    /// day (tracking's leap status); nil otherwise.
    public var leapSecondPending: String? {
        switch tracking.leapStatus {
        case .insertSecond: return "insert"
        case .deleteSecond: return "delete"
        case .normal, .notSynchronised: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        role = try c.decode(Role.self, forKey: .role)
        health = try c.decodeIfPresent(String.self, forKey: .health)
        verdict = try c.decodeIfPresent(HealthVerdict.self, forKey: .verdict)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        leapSecondsList = try c.decodeIfPresent(LeapSecondsListStatus.self, forKey: .leapSecondsList)
        tracking = try c.decode(TrackingReport.self, forKey: .tracking)
        sources = try c.decode([SourceReport].self, forKey: .sources)
    }

    /// The overview with a verdict: its one-line summary becomes the health line.
    public init(role: Role, verdict: HealthVerdict?, tracking: TrackingReport, sources: [SourceReport]) {
        self.init(role: role, health: verdict?.summary, tracking: tracking, sources: sources)
        self.verdict = verdict
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encode(health, forKey: .health)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(leapSecondPending, forKey: .leapSecondPending)
        try c.encode(leapSecondsList, forKey: .leapSecondsList)
        try c.encode(tracking, forKey: .tracking)
        try c.encode(sources, forKey: .sources)
    }

    /// The overview as text: role and health lines, a blank line, the tracking block as
    /// `chronyc -n tracking` prints it, a blank line, the sources table.
    public var text: String {
        var out = "Role            : \(role.rawValue)\n"
        if let health { out += "Health          : \(CFormat.printable(health))\n" }
        for warning in warnings { out += "Warning         : \(CFormat.printable(warning))\n" }
        if let leap = HealthPolicy.pendingLeapSecond(tracking.leapStatus) {
            out += "Leap second     : \(leap.replacingPrefix("leap second ", with: ""))\n"
        }
        if let leapSecondsList { out += "Leap list       : \(CFormat.printable(leapSecondsList.line))\n" }
        out += "\n" + ChronycText.tracking(tracking) + "\n" + ChronycText.sources(sources)
        return out
    }
}

/// The leap-second list as status shows it (JSON `leap_seconds_list`).
public struct LeapSecondsListStatus: Sendable, Equatable, Codable {
    /// The file (LEAP_SECONDS_LIST).
    public var path: String
    /// When the list expires, Unix seconds; nil when it could not be read.
    public var expires: Int64?
    /// Why it could not be read; nil when it was.
    public var error: String?
    /// The text line: "expires 2026-06-28 (…)", "EXPIRED on …" or why it cannot be read.
    public var line: String

    /// The status of `state` at `now` (Unix seconds); nil when the list is off.
    public init?(_ state: LeapSecondsListState, now: Int64) {
        switch state {
        case .off: return nil
        case .read(let path, let expires): (self.path, self.expires, self.error) = (path, expires, nil)
        case .failed(let path, let reason): (self.path, self.expires, self.error) = (path, nil, reason)
        }
        line = state.line(now: now)
    }

    enum CodingKeys: String, CodingKey {
        case path, expires, error, line
    }
}

private extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
