extension Observation {
    /// What chronyd's tracking and sources reports say, for the state machine: leap status,
    /// reference (its name, or the refid in hex when unnamed), stratum, the selected source
    /// (state `*`), how many sources answered one of their last two polls (the health policy's
    /// `reachMask`, so the state machine and the verdict count alike), and how many there are.
    public init(reports: ReportSet) {
        self.init(processAlive: true, answers: true)
        if let tracking = reports.tracking {
            leapSynchronised = tracking.isSynchronised
            reference = tracking.referenceName.isEmpty ? tracking.referenceID.hex : tracking.referenceName
            stratum = tracking.stratum
        }
        let sources = reports.sources ?? []
        sourceCount = sources.count
        selectedSource = sources.first { $0.state == .selected }?.name
        reachableSources = sources.filter { $0.reach & HealthPolicy.reachMask != 0 }.count
    }
}
