import ChronyKit

/// What the supervisor does to chronyd after a poll, once the outcome is published: the
/// effects a poll's findings call for (`SourceUpkeep`: reselect and refresh; a gateway's
/// `StartupBurstAction`: the start-up burst). The poll itself (`ChronydObserving`) only reads.
public protocol AfterPollAction: Sendable {
    /// Acts on what the poll of chronyd `pid` read. Runs in the poll loop, one poll at a time.
    func afterPoll(_ reading: ChronydReading, pid: pid_t) async
    /// Whether the action watches the node closely right now (the poll schedule then polls
    /// briskly: `PollSchedule.Phase.probingRelays`).
    func wantsBriskPolls(after observation: Observation) -> Bool
}

extension AfterPollAction {
    public func wantsBriskPolls(after observation: Observation) -> Bool { false }
}

extension SourceUpkeep: AfterPollAction {
    /// Reselects and refreshes when due, after a poll that got chronyd's reports (as
    /// `BlockingWork`: chronyc blocks).
    public func afterPoll(_ reading: ChronydReading, pid: pid_t) async {
        guard let reports = reading.reports else { return }
        await BlockingWork.run { [self] in _ = afterPoll(reports) }
    }
}
