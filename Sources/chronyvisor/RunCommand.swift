import ArgumentParser
import ChronyKit
import ChronyRuntime
import Logging

/// `chronyvisor run`: the container's entrypoint. chronyd supervised as PID 1.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Render chrony.conf and run chronyd under supervision (the container's entrypoint).",
        discussion: """
            Validates every setting (a bad value exits with status 78 and nothing is started), \
            writes chrony.conf, prepares chronyd's run and state directories, then runs \
            `chronyd -d -x` (no -x with CLOCK_CONTROL=true), dropping root to the chrony user. \
            As PID 1 (or as a child subreaper) it reaps every orphan. SIGTERM, SIGINT or SIGQUIT \
            stop chronyd (the same signal, SIGKILL after STOP_GRACE) and exit 0. SIGHUP reloads: \
            chrony.conf is rendered and checked again; a bad one is refused and chronyd kept, a \
            good one restarts chronyd gracefully (never counted as a failure). SIGUSR1/SIGUSR2 \
            are not forwarded (chronyd would die of them). chronyd is restarted with exponential \
            backoff when it dies unasked or stays silent for UNRESPONSIVE_TIMEOUT (then killed); \
            more than RESTART_MAX failures within RESTART_WINDOW give up with chronyd's status \
            (128 + signal when killed; 1 when it exited 0): always a failure. The HTTP endpoints \
            bind before chronyd starts (a HEALTH_LISTEN that cannot be bound exits 78). With \
            NOTIFY_SOCKET set, systemd is told READY=1 (when /readyz would say ready), STATUS=, \
            WATCHDOG=1 (at half of WATCHDOG_USEC) and STOPPING=1. \
            Logs: one line per event on stderr, key=value metadata; chronyd's own lines are \
            tagged source=chronyd.
            """)

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var healthOptions: HealthOptions

    func run() async throws {
        // First, before any thread of ours exists: signals are caught, orphans are ours.
        MallocArenas.limitForSupervisor()
        let signals = SignalRelay.install()
        let reaping = Reaping.start()
        KeyValueLogHandler.bootstrap()
        let logger = Logger(label: "chronyvisor")

        try await reportingFailures {
            let environment = ProcessEnvironment.current
            let plan = try RunPlan.prepare(healthOptions.source(over: settings.source), environment: environment)
            let health = plan.health
            let notifier = SystemdNotifier(environment: environment)
            logger.info("chronyvisor starting", metadata: [
                "version": "\(ChronyvisorVersion.current)", "role": "\(plan.chrony.role.rawValue)",
                "pid1": "\(reaping.isPID1)", "subreaper": "\(reaping.subreaper)",
                "chrony_user": "\(plan.account.name)", "drops_root": "\(plan.account.dropsRoot)",
                "conf": "\(plan.chrony.paths.configFile)", "notify": "\(notifier.isEnabled)",
                "http": "\(health.listen)",
                "watchdog": "\(notifier.watchdogInterval.map(DurationValue.format) ?? "off")",
                "chrony_version": "\(plan.chronyVersion?.description ?? "unknown")"])
            if plan.account.name == "root" {
                logger.warning("no chrony user (_chrony or chrony) exists: chronyd keeps root; set CHRONY_USER")
            }
            let metrics = ChronyMetrics(node: MetricsNode(
                role: plan.chrony.role, minSources: plan.chrony.minSources, thresholds: health.thresholds,
                degradedIsReady: health.degradedIsReady))
            let servedTimeAt = health.servedTime.target(for: plan.chrony)
            let supervisor = Supervisor(
                chrony: plan.chrony, supervision: plan.supervision, command: plan.command,
                observer: ChronycObserver(
                    client: plan.chronyc, servedTimeAt: servedTimeAt,
                    upkeep: SourceUpkeep(client: plan.chronyc, refreshesNames: SourceRefreshPolicy.applies(to: plan.chrony), logger: logger)),
                notifier: notifier, health: HealthPolicy(settings: plan.chrony, thresholds: health.thresholds),
                degradedIsReady: health.degradedIsReady,
                metrics: metrics,
                accelerator: plan.chrony.role == .gateway
                    ? StartupAccelerator(client: plan.chronyc, relays: plan.chrony.servers, minSources: plan.chrony.minSources)
                    : nil,
                reconfigure: { try plan.reconfigure() },
                verdictFile: VerdictFile(runDirectory: plan.chrony.paths.runDirectory),
                releasesStartupPages: true)
            let warnings = [SourceDiversity.warning(servers: plan.chrony.servers)].compactMap { $0 }
            for warning in warnings { logger.warning("\(warning)") }
            let leapList = LeapSecondsListWatch(path: plan.chrony.leapSecondsList, initial: plan.leapSecondsList,
                                                metrics: metrics, logger: logger)
            if case .failed(_, let reason) = plan.leapSecondsList {
                logger.warning("leap-second list unusable: chronyd uses leapsectz right/UTC", metadata: [
                    "path": "\(plan.chrony.leapSecondsList ?? "")", "error": "\(reason)"])
            }
            let endpoints = HealthEndpoints(listen: health.listen, role: plan.chrony.role,
                                            degradedIsReady: health.degradedIsReady, metrics: metrics, logger: logger,
                                            warnings: warnings, leapSecondsList: leapList)
            var services: [any SupervisedService] = [endpoints, leapList, SteadyStatePages(logger: logger)]
            if let installer = plan.ntsKeys {
                services.append(NTSKeyRotation(installer: installer, client: plan.chronyc, logger: logger))
            }
            signals.start()
            let code = try await supervisor.run(signals: signals.signals, services: services)
            logger.info("chronyvisor exiting", metadata: [
                "exit_code": "\(code)", "restarts": "\(supervisor.state.snapshot.restarts)",
                "orphans_reaped": "\(ChildReaper.shared.orphansReaped)"])
            if code != 0 { throw ExitCode(code) }
        }
    }
}
