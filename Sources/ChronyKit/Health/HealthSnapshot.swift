/// What the health policy looks at: chronyd's process state, its reports (tracking and
/// sources at least), time since start, and optionally one real NTP answer from the node's
/// own serving port.
public struct HealthSnapshot: Sendable {
    /// chronyd's process is running (nil: unknown, e.g. asked from outside the supervisor).
    public var chronydRunning: Bool?
    /// The reports chronyd answered with; nil when its command socket did not answer.
    public var reports: ReportSet?
    /// Why chronyd did not answer, when it did not.
    public var unreachableReason: String?
    /// Seconds since chronyd (or the supervisor) started; nil when unknown.
    public var secondsSinceStart: Double?
    /// The served-time check, when it was made.
    public var servedTime: ServedTimeCheck?
    /// The real-time clock when the reports were read, Unix seconds (the policy's only notion
    /// of "now": it stays a pure function); nil when unknown, and then no source selected
    /// is never forgiven as a reselection.
    public var now: Double?

    public init(chronydRunning: Bool?, reports: ReportSet?, unreachableReason: String? = nil,
                secondsSinceStart: Double?, servedTime: ServedTimeCheck? = nil, now: Double? = nil) {
        self.chronydRunning = chronydRunning
        self.reports = reports
        self.unreachableReason = unreachableReason
        self.secondsSinceStart = secondsSinceStart
        self.servedTime = servedTime
        self.now = now
    }
}

/// The result of asking the node's own NTP port for the time.
public enum ServedTimeCheck: Sendable, Equatable {
    /// An answer with this stratum and leap indicator (3 = unsynchronised).
    case answered(stratum: Int, leap: Int)
    /// No usable answer: timeout, kiss-of-death, refused.
    case failed(String)
}
