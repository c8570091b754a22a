extension Observation {
    /// What chronyd's tracking and sources reports say, for the state machine: leap status,
    /// reference (its name, or the refid in hex when unnamed), stratum, the selected source
    /// (state `*`), how many network sources are reachable (`SourceReport.isReachable`, the
    /// one definition the verdict uses too) and how many there are.
    public init(reports: ReportSet) {
        self.init(processAlive: true, answers: true)
        if let tracking = reports.tracking {
            leapSynchronised = tracking.isSynchronised
            reference = tracking.referenceName.isEmpty ? tracking.referenceID.hex : tracking.referenceName
            stratum = tracking.stratum
        }
        let sources = reports.sources ?? []
        sourceCount = sources.filter(\.isNetworkSource).count
        selectedSource = sources.first { $0.state == .selected }?.name
        reachableSources = sources.filter(\.isReachable).count
    }
}
