import Logging

/// Gives the executable's pages back once more when the supervisor has settled.
///
/// `ExecutablePages` releases them when chronyd is first ready, but what runs in the first
/// polls and scrapes after that is partly once-only too (the first /metrics answer, the
/// first verdict file, the first reselection check), and its pages stay mapped: about
/// 0.75 MiB of a supervisor's 12 MiB (docs/benchmarks.md). `settle` after readiness, the
/// steady state's own code is what comes back, and only that stays. Once per run: a
/// release costs the next polls a few hundred page faults, which is worth paying once,
/// not periodically.
public struct SteadyStatePages: SupervisedService {
    public let name = "steady-state-pages"
    let settle: Duration
    let check: Duration
    let release: @Sendable () -> Int?
    let logger: Logger

    /// `release` is `ExecutablePages.release` outside tests; readiness is looked at every `check`.
    public init(settle: Duration = .seconds(20), check: Duration = .seconds(1), logger: Logger,
                release: @escaping @Sendable () -> Int? = { ExecutablePages.release() }) {
        self.settle = settle
        self.check = check
        self.release = release
        self.logger = logger
    }

    public func run(state: SupervisorState, started: @escaping @Sendable () -> Void) async throws {
        started()
        while !Task.isCancelled, !state.snapshot.ready {
            try? await Task.sleep(for: check)
        }
        try? await Task.sleep(for: settle)
        guard !Task.isCancelled else { return }
        let released = release()
        logger.debug("steady-state pages released", metadata: ["bytes": "\(released.map(String.init) ?? "refused")"])
        // Done; a service that returns early is neither a failure nor a reason to stop.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
