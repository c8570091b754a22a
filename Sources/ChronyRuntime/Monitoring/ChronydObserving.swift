import ChronyKit

/// One poll of chronyd: what the state machine needs, and the reports it came from.
public struct ChronydReading: Sendable, Equatable {
    public var observation: Observation
    /// The reports read (tracking and sources), nil when chronyd did not answer.
    public var reports: ReportSet?
    /// Why chronyd did not answer, when it did not.
    public var failure: String?
    /// One real NTP request to the node's own serving port, when that check is on.
    public var servedTime: ServedTimeCheck?

    public init(observation: Observation, reports: ReportSet? = nil, failure: String? = nil, servedTime: ServedTimeCheck? = nil) {
        self.observation = observation
        self.reports = reports
        self.failure = failure
        self.servedTime = servedTime
    }
}

/// The first stage of a poll: asks a running chronyd how it is doing, and only asks (what a
/// poll calls for is done afterwards by the `AfterPollAction`s). The supervisor calls it
/// only while chronyd's process runs, one poll at a time. `ChronycReader` is the real one.
public protocol ChronydObserving: Sendable {
    /// One poll; `observation.processAlive` is true, `observation.answers` says whether
    /// chronyd replied.
    func observe() async -> ChronydReading
}
