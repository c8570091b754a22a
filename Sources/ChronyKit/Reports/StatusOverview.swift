/// What `chronyvisor status` shows first (and HTTP /status serves): the node's role, its
/// health in one line (filled in by the health check; nil until it exists), the tracking
/// block and the sources table.
public struct StatusOverview: Sendable, Equatable, Codable {
    public var role: Role
    /// One line saying whether the node is healthy and why; nil when no verdict is available.
    public var health: String?
    /// The health verdict behind `health`, when one is known.
    public var verdict: HealthVerdict?
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
        case role, health, verdict, tracking, sources
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
        try c.encode(tracking, forKey: .tracking)
        try c.encode(sources, forKey: .sources)
    }

    /// The overview as text: role and health lines, a blank line, the tracking block as
    /// `chronyc -n tracking` prints it, a blank line, the sources table.
    public var text: String {
        var out = "Role            : \(role.rawValue)\n"
        if let health { out += "Health          : \(CFormat.printable(health))\n" }
        out += "\n" + ChronycText.tracking(tracking) + "\n" + ChronycText.sources(sources)
        return out
    }
}
