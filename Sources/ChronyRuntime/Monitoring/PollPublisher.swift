import ChronyKit

/// One poll as the publishers see it: the decided outcome and what it was decided from.
public struct PublishedPoll: Sendable {
    public var outcome: PollOutcome
    /// The reports the verdict was read from (nil: chronyd did not answer, or is down).
    public var reports: ReportSet?
    /// How long the poll of chronyd took (zero for a change the lifecycle made: a start, an exit).
    public var duration: Duration
    /// Why chronyd did not answer, when it was polled and did not.
    public var failure: String?

    public init(outcome: PollOutcome, reports: ReportSet?, duration: Duration = .zero, failure: String? = nil) {
        self.outcome = outcome
        self.reports = reports
        self.duration = duration
        self.failure = failure
    }
}

/// The last stage of a poll: where its outcome goes. The supervisor hands every outcome to
/// each publisher in its configuration's order (metrics, the verdict file, the log, systemd,
/// the once-when-ready hook), serialised, so STATUS= lines reach systemd in the order the
/// states were entered. A publisher decides from the outcome alone whether it has anything
/// to do; it must not block for long.
public protocol PollPublisher: Sendable {
    func publish(_ poll: PublishedPoll)
}

/// /metrics: every poll is recorded (`ChronyMetrics.record`).
extension ChronyMetrics: PollPublisher {
    public func publish(_ poll: PublishedPoll) {
        record(reports: poll.reports, pollDuration: poll.duration, verdict: poll.outcome.verdict, ready: poll.outcome.ready)
    }
}
