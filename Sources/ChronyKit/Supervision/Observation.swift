/// What one poll of chronyd found: the few facts the state machine decides on, independent
/// of how they were read (chronyc reports, or nothing when chronyd is down).
public struct Observation: Sendable, Equatable, Codable {
    /// chronyd's process is running.
    public var processAlive: Bool
    /// chronyd answered on its command socket.
    public var answers: Bool
    /// Tracking's leap status is anything but "Not synchronised".
    public var leapSynchronised: Bool
    /// Tracking's reference: the source name or address, or the refid in hex when unnamed.
    public var reference: String?
    /// Tracking's stratum (0 when unsynchronised).
    public var stratum: Int
    /// The source selected for synchronisation (state `*`), by name or address.
    public var selectedSource: String?
    /// Network sources that are reachable (`SourceReport.isReachable`).
    public var reachableSources: Int
    /// The network sources chronyd knows (servers and peers; reference clocks are not counted).
    public var sourceCount: Int

    public init(processAlive: Bool, answers: Bool, leapSynchronised: Bool = false, reference: String? = nil,
                stratum: Int = 0, selectedSource: String? = nil, reachableSources: Int = 0, sourceCount: Int = 0) {
        self.processAlive = processAlive
        self.answers = answers
        self.leapSynchronised = leapSynchronised
        self.reference = reference
        self.stratum = stratum
        self.selectedSource = selectedSource
        self.reachableSources = reachableSources
        self.sourceCount = sourceCount
    }

    /// chronyd is not running.
    public static let down = Observation(processAlive: false, answers: false)
    /// chronyd runs but its command socket does not answer (yet).
    public static let silent = Observation(processAlive: true, answers: false)
}
