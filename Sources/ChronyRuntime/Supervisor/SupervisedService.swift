/// A long-running part of `chronyvisor run` that lives next to the supervisor (the health
/// and metrics HTTP listener, for one). It runs in the supervisor's task group and reads
/// the supervisor's state; it is cancelled when the supervisor ends.
public protocol SupervisedService: Sendable {
    /// A short name for the logs and the state (`failedServices`).
    var name: String { get }
    /// Runs until cancelled; calls `started` once it is ready to serve (its socket bound).
    /// Throwing before `started` refuses the whole `run` at start (nothing else starts; a
    /// `ReportableError` gives the exit status); throwing later is recorded in the state and
    /// shown in the verdict and STATUS=, and chronyd's supervision goes on.
    func run(state: SupervisorState, started: @escaping @Sendable () -> Void) async throws
}
