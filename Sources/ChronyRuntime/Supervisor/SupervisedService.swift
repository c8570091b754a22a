/// A long-running part of `chronyvisor run` that lives next to the supervisor (the health
/// and metrics HTTP listener, for one). It runs in the supervisor's task group and reads
/// the supervisor's state; it is cancelled when the supervisor ends.
public protocol SupervisedService: Sendable {
    /// A short name for the logs.
    var name: String { get }
    /// Runs until cancelled. A service that throws is logged; chronyd's supervision goes on.
    func run(state: SupervisorState) async throws
}
