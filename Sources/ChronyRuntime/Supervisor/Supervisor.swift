import ChronyKit
import Logging
import Synchronization
/// Keeps chronyd running as the child of chronyvisor (PID 1 in a container) and knows how
/// it is doing. Two halves, one task group:
/// - the **lifecycle** (`Supervisor+Lifecycle.swift`): one event loop starts chronyd through
///   the injected `ChronydLaunching`, acts on the signals of the injected stream (stop,
///   reload), restarts chronyd with backoff when it dies unasked, kills a frozen one, and
///   gives up with a failure status when the budget is spent;
/// - the **monitoring** (`Supervisor+Monitoring.swift`): the poll loop is a pipeline —
///   observe (the injected `ChronydObserving`, a pure read), decide (`HealthPolicy.decide`:
///   the verdict, readiness, the next state and what to announce, as one `PollOutcome`),
///   publish (the `PollPublisher`s: metrics, the verdict file, the log, systemd, the
///   once-when-ready hook), then act (the `AfterPollAction`s: reselect and refresh, the
///   start-up burst) — and waits as `PollSchedule` says; next to it the watchdog.
/// Built from one `SupervisorConfiguration`. Next to them run the `SupervisedService`s (the HTTP endpoints): each must report itself
/// started before chronyd is, and one that cannot start ends `run` before anything runs.
public final class Supervisor: Sendable {
    /// The state others read (health endpoints, metrics).
    public let state: SupervisorState
    let supervision: SupervisionSettings
    let launcher: any ChronydLaunching
    let observer: any ChronydObserving
    let notifier: SystemdNotifier
    /// The health policy applied after every poll: the one verdict everything derives from,
    /// and what it means for readiness.
    let health: HealthPolicy
    /// Where each restart is counted (nil: no metrics).
    let metrics: ChronyMetrics?
    /// Where each poll's outcome goes, in this order.
    let publishers: [any PollPublisher]
    /// What is done to chronyd after each poll, in this order.
    let afterPoll: [any AfterPollAction]
    /// What a SIGHUP does before chronyd is restarted (`SupervisorConfiguration.reconfigure`).
    let reconfigure: (@Sendable () throws -> Void)?
    let logger = Logger(label: "chronyvisor")
    /// Serialises state transitions with their publication, so STATUS= lines reach systemd
    /// in the order the states were entered (state readers never wait on it).
    let transitions = Mutex(())
    /// Where the verdict is written for `chronyvisor health` (removed at start, at the end
    /// and while stopping; nil: nowhere).
    let verdictFile: VerdictFile?

    public init(_ configuration: SupervisorConfiguration) {
        state = configuration.state
        supervision = configuration.supervision
        launcher = configuration.launcher
        observer = configuration.observer
        notifier = configuration.notifier
        health = configuration.health
        metrics = configuration.metrics
        afterPoll = configuration.afterPoll
        reconfigure = configuration.reconfigure
        verdictFile = configuration.verdictFile
        publishers = configuration.publishers(logger: logger)
    }

    /// What the lifecycle's event loop acts on, in arrival order.
    enum Event: Sendable {
        case signal(Int32)
        case exited(pid_t, ChildExit)
        case restartDue
        case graceExpired(pid_t)
        /// The monitoring found chronyd `pid` silent for this long (≥ UNRESPONSIVE_TIMEOUT).
        case unresponsive(pid_t, Duration)
        /// The SIGHUP reload's new configuration: written (nil) or refused (the error).
        case reconfigured(String?)
    }

    /// How a service's start went: it bound what it serves on, or it threw first.
    private enum ServiceStart: Sendable {
        case started(String)
        case failed(String, any Error)
    }

    /// Supervises until a requested stop (returns 0) or until the restart budget is spent
    /// (returns a failure status, never 0: see `RestartPolicy.giveUpStatus`). `signals` are
    /// the caught signals. Throws the error of a service that cannot start (HEALTH_LISTEN
    /// taken: a `SettingError`, exit 78); chronyd is then never started.
    public func run(signals: AsyncStream<Int32>, services: [any SupervisedService] = []) async throws -> Int32 {
        // A previous run's verdict (a restarted container keeps its files) must not speak for this one.
        verdictFile?.remove()
        defer { verdictFile?.remove() }
        let (events, post) = AsyncStream.makeStream(of: Event.self)
        let (starts, reportStart) = AsyncStream.makeStream(of: ServiceStart.self)
        let outcome: Result<Int32, any Error> = await withTaskGroup(of: Int32?.self) { group in
            for service in services {
                group.addTask { await self.runService(service, reportStart: reportStart); return nil }
            }
            // Services first: chronyd starts only once each has bound what it serves on.
            if let refusal = await self.servicesStarted(services.count, starts) {
                group.cancelAll()
                return .failure(refusal)
            }
            group.addTask {
                for await signal in signals { post.yield(.signal(signal)) }
                return nil
            }
            group.addTask {
                await self.pollLoop { pid, silence in post.yield(.unresponsive(pid, silence)) }
                return nil
            }
            if let interval = notifier.watchdogInterval {
                group.addTask { await self.watchdogLoop(every: interval); return nil }
            }
            group.addTask { await self.eventLoop(events, post: post) }
            var code = ExitStatus.failure
            for await result in group {
                if let result { code = result; break }
            }
            group.cancelAll()
            return .success(code)
        }
        post.finish()
        reportStart.finish()
        return try outcome.get()
    }

    /// Waits until `count` services have started; returns the error of the first one that
    /// could not (the rest are then cancelled by the caller).
    private func servicesStarted(_ count: Int, _ starts: AsyncStream<ServiceStart>) async -> (any Error)? {
        var pending = count
        guard pending > 0 else { return nil }
        for await start in starts {
            switch start {
            case .started(let name):
                logger.debug("service started", metadata: ["service": "\(name)"])
                pending -= 1
                if pending == 0 { return nil }
            case .failed(let name, let error):
                logger.error("service cannot start: nothing started", metadata: ["service": "\(name)", "error": "\(error)"])
                return error
            }
        }
        return nil
    }

    /// Runs one service: reports its start (or its failure before it), and records a later
    /// failure in the state, where the verdict and STATUS= show it.
    private func runService(_ service: any SupervisedService, reportStart: AsyncStream<ServiceStart>.Continuation) async {
        let didStart = Atomic(false)
        do {
            try await service.run(state: state) {
                if !didStart.exchange(true, ordering: .relaxed) { reportStart.yield(.started(service.name)) }
            }
        } catch is CancellationError {
        } catch {
            guard didStart.load(ordering: .relaxed) else {
                reportStart.yield(.failed(service.name, error))
                return
            }
            logger.error("service failed", metadata: ["service": "\(service.name)", "error": "\(error)"])
            state.update { $0.failedServices[service.name] = "\(error)" }
        }
    }
}
