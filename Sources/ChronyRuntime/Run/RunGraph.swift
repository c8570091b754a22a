import ChronyKit
import Logging

/// The whole graph of `chronyvisor run`, built from the run plan in one place: the
/// supervisor's configuration (the real launcher and `ChronycReader`, the policy with the
/// node's readiness, the after-poll actions, the publishers' targets), the services next to
/// it (the HTTP endpoints, the leap-second list's watch, the steady state's page release,
/// the NTS key rotation) and the
/// metrics they share. `RunCommand` prepares the plan, builds this and runs it; a test can
/// build the same graph.
public struct RunGraph: Sendable {
    public let plan: RunPlan
    public let notifier: SystemdNotifier
    public let configuration: SupervisorConfiguration
    public let services: [any SupervisedService]
    public let metrics: ChronyMetrics
    /// Advice about the settings (`SourceDiversity`): logged at start, shown on /status.
    public let warnings: [String]

    /// The graph for `plan`. `releasesStartupPages`: give the executable's start-up pages
    /// back once chronyd is first ready (`ExecutablePages`; an in-process test does not).
    public static func build(_ plan: RunPlan, environment: [String: String], logger: Logger,
                             releasesStartupPages: Bool = true) -> RunGraph {
        let chrony = plan.chrony
        let health = plan.health
        let notifier = SystemdNotifier(environment: environment)
        let metrics = ChronyMetrics(node: MetricsNode(role: chrony.role, minSources: chrony.minSources,
                                                      thresholds: health.thresholds))
        let policy = HealthPolicy(settings: chrony, thresholds: health.thresholds, readiness: health.readiness)
        var afterPoll: [any AfterPollAction] = [
            SourceUpkeep(client: plan.chronyc, refreshesNames: SourceRefreshPolicy.applies(to: chrony), logger: logger)]
        if let burst = StartupBurstAction.forNode(chrony, client: plan.chronyc, logger: logger) {
            afterPoll.append(burst)
        }
        let release: @Sendable () -> Void = { Self.releaseStartupPages(logger: logger) }
        let configuration = SupervisorConfiguration(
            supervision: plan.supervision, launcher: ProcessChronydLauncher(command: plan.command),
            observer: ChronycReader(client: plan.chronyc, servedTimeAt: health.servedTime.target(for: chrony)),
            notifier: notifier, health: policy, metrics: metrics, afterPoll: afterPoll,
            reconfigure: { try plan.reconfigure() },
            verdictFile: VerdictFile(runDirectory: chrony.paths.runDirectory),
            whenFirstReady: releasesStartupPages ? release : nil)
        let warnings = [SourceDiversity.warning(servers: chrony.servers)].compactMap { $0 }
        let leapList = LeapSecondsListWatch(path: chrony.leapSecondsList, initial: plan.leapSecondsList,
                                            metrics: metrics, logger: logger)
        let endpoints = HealthEndpoints(listen: health.listen, role: chrony.role, readiness: policy.readiness,
                                        metrics: metrics, logger: logger, warnings: warnings, leapSecondsList: leapList)
        var services: [any SupervisedService] = [endpoints, leapList, SteadyStatePages(logger: logger)]
        if let installer = plan.ntsKeys {
            services.append(NTSKeyRotation(installer: installer, client: plan.chronyc, logger: logger))
        }
        return RunGraph(plan: plan, notifier: notifier, configuration: configuration, services: services,
                        metrics: metrics, warnings: warnings)
    }

    /// Logs the start (and what in the settings deserves a warning), lets `signals` through,
    /// supervises until the end and logs it; returns `Supervisor.run`'s status.
    public func run(signals: SignalRelay, reaping: (isPID1: Bool, subreaper: Bool), logger: Logger) async throws -> Int32 {
        logStart(reaping: reaping, logger: logger)
        let supervisor = Supervisor(configuration)
        signals.start()
        let code = try await supervisor.run(signals: signals.signals, services: services)
        logger.info("chronyvisor exiting", metadata: [
            "exit_code": "\(code)", "restarts": "\(supervisor.state.snapshot.restarts)",
            "orphans_reaped": "\(ChildReaper.shared.orphansReaped)"])
        return code
    }

    private func logStart(reaping: (isPID1: Bool, subreaper: Bool), logger: Logger) {
        logger.info("chronyvisor starting", metadata: [
            "version": "\(ChronyvisorVersion.current)", "role": "\(plan.chrony.role.rawValue)",
            "pid1": "\(reaping.isPID1)", "subreaper": "\(reaping.subreaper)",
            "chrony_user": "\(plan.account.name)", "drops_root": "\(plan.account.dropsRoot)",
            "conf": "\(plan.chrony.paths.configFile)", "notify": "\(notifier.isEnabled)",
            "http": "\(plan.health.listen)",
            "watchdog": "\(notifier.watchdogInterval.map(DurationValue.format) ?? "off")",
            "chrony_version": "\(plan.chronyVersion?.description ?? "unknown")"])
        if plan.account.name == "root" {
            logger.warning("no chrony user (_chrony or chrony) exists: chronyd keeps root; set CHRONY_USER")
        }
        for warning in warnings { logger.warning("\(warning)") }
        if case .failed(_, let reason) = plan.leapSecondsList {
            logger.warning("leap-second list unusable: chronyd uses leapsectz right/UTC", metadata: [
                "path": "\(plan.chrony.leapSecondsList ?? "")", "error": "\(reason)"])
        }
    }

    private static func releaseStartupPages(logger: Logger) {
        let released = ExecutablePages.release()
        logger.debug("start-up pages released", metadata: ["bytes": "\(released.map(String.init) ?? "refused")"])
    }
}
