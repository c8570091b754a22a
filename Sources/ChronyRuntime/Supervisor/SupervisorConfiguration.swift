import ChronyKit
import Logging

/// Everything a `Supervisor` is built from, in one value (as swift-service-lifecycle's
/// `ServiceGroupConfiguration`): the settings, the injected launcher and observer, the
/// decision (`HealthPolicy`), the publishers' targets and the after-poll actions.
/// `RunGraph.build` makes `chronyvisor run`'s from the run plan; tests make their own with
/// fakes.
public struct SupervisorConfiguration: Sendable {
    public var supervision: SupervisionSettings
    /// Starts and signals chronyd (`ProcessChronydLauncher` for the real one).
    public var launcher: any ChronydLaunching
    /// Polls chronyd (`ChronycReader` for the real one).
    public var observer: any ChronydObserving
    public var notifier: SystemdNotifier
    /// The verdict, readiness and the state after each poll.
    public var health: HealthPolicy
    /// Where each poll and restart is recorded for /metrics (nil: no metrics).
    public var metrics: ChronyMetrics?
    /// What is done to chronyd after each poll (reselect and refresh, a gateway's start-up burst).
    public var afterPoll: [any AfterPollAction]
    /// What a SIGHUP does before chronyd is restarted: render chrony.conf again, check it
    /// with chronyd's parser and write it, or throw the configuration error (the running
    /// chronyd is then kept). nil: SIGHUP is logged and ignored.
    public var reconfigure: (@Sendable () throws -> Void)?
    /// Where the verdict is written after every poll for `chronyvisor health` (nil: nowhere).
    public var verdictFile: VerdictFile?
    /// Run once when READY=1 is first announced (`run` gives back its start-up pages).
    public var whenFirstReady: (@Sendable () -> Void)?
    /// The state the supervisor keeps and others read.
    public var state: SupervisorState

    public init(supervision: SupervisionSettings, launcher: any ChronydLaunching, observer: any ChronydObserving,
                notifier: SystemdNotifier, health: HealthPolicy, metrics: ChronyMetrics? = nil,
                afterPoll: [any AfterPollAction] = [], reconfigure: (@Sendable () throws -> Void)? = nil,
                verdictFile: VerdictFile? = nil, whenFirstReady: (@Sendable () -> Void)? = nil,
                state: SupervisorState = SupervisorState()) {
        self.supervision = supervision
        self.launcher = launcher
        self.observer = observer
        self.notifier = notifier
        self.health = health
        self.metrics = metrics
        self.afterPoll = afterPoll
        self.reconfigure = reconfigure
        self.verdictFile = verdictFile
        self.whenFirstReady = whenFirstReady
        self.state = state
    }

    /// Where each poll's outcome goes, in order: metrics, the verdict file, the log, systemd,
    /// the once-when-ready hook.
    public func publishers(logger: Logger) -> [any PollPublisher] {
        var publishers: [any PollPublisher] = []
        if let metrics { publishers.append(metrics) }
        if let verdictFile {
            publishers.append(VerdictFilePublisher(file: verdictFile, staleAfter: supervision.verdictStaleAfter, logger: logger))
        }
        publishers.append(StateChangeLog(logger: logger))
        publishers.append(SystemdPublisher(notifier: notifier, readyWhen: health.readiness.readyWhen, logger: logger))
        if let whenFirstReady { publishers.append(OnceWhenReady(whenFirstReady)) }
        return publishers
    }
}

extension SupervisionSettings {
    /// How long the poll loop may go without a sign of life (a verdict written, a tick)
    /// before it counts as stalled: a poll interval plus the watchdog's margin.
    var verdictStaleAfter: Duration { pollInterval + .seconds(10) }
}
