import ArgumentParser
import ChronyKit
import ChronyRuntime
import Foundation
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
            As PID 1 (or as a child subreaper) it forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, \
            SIGUSR1 and SIGUSR2 to chronyd and reaps every orphan. chronyd is restarted with \
            exponential backoff when it dies unasked; more than RESTART_MAX failures within \
            RESTART_WINDOW exit with chronyd's status (or 128 + signal). SIGTERM or SIGINT stop \
            chronyd (SIGKILL after STOP_GRACE) and exit 0. With NOTIFY_SOCKET set, systemd is \
            told READY=1, STATUS=, WATCHDOG=1 (at half of WATCHDOG_USEC) and STOPPING=1. \
            Logs: one line per event on stderr, key=value metadata; chronyd's own lines are \
            tagged source=chronyd.
            """)

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var healthOptions: HealthOptions

    func run() async throws {
        // First, before any thread of ours exists: signals are caught, orphans are ours.
        let signals = SignalRelay.install()
        let reaping = Reaping.start()
        KeyValueLogHandler.bootstrap()
        let logger = Logger(label: "chronyvisor")

        try await reportingFailures {
            let environment = ProcessInfo.processInfo.environment
            let plan = try RunPlan.prepare(healthOptions.source(over: settings.source), environment: environment)
            let health = plan.health
            let notifier = SystemdNotifier(environment: environment)
            logger.info("chronyvisor starting", metadata: [
                "version": "\(ChronyvisorVersion.current)", "role": "\(plan.chrony.role.rawValue)",
                "pid1": "\(reaping.isPID1)", "subreaper": "\(reaping.subreaper)",
                "chrony_user": "\(plan.account?.name ?? "(not root: none)")",
                "conf": "\(plan.chrony.paths.configFile)", "notify": "\(notifier.isEnabled)",
                "http": "\(health.listen)",
                "watchdog": "\(notifier.watchdogInterval.map(DurationValue.format) ?? "off")"])
            if plan.account?.name == "root" {
                logger.warning("no chrony user (_chrony or chrony) exists: chronyd keeps root; set CHRONY_USER")
            }
            let metrics = ChronyMetrics()
            let servedTimeAt = health.servedTime.target(for: plan.chrony)
            let supervisor = Supervisor(
                chrony: plan.chrony, supervision: plan.supervision, command: plan.command,
                observer: ChronycObserver(
                    client: plan.chronyc, servedTimeAt: servedTimeAt,
                    upkeep: SourceUpkeep(client: plan.chronyc, refreshesNames: SourceRefreshPolicy.applies(to: plan.chrony), logger: logger)),
                notifier: notifier, health: HealthPolicy(settings: plan.chrony, thresholds: health.thresholds),
                metrics: metrics,
                accelerator: plan.chrony.role == .gateway
                    ? StartupAccelerator(client: plan.chronyc, relays: plan.chrony.servers, minSources: plan.chrony.minSources)
                    : nil)
            let endpoints = HealthEndpoints(listen: health.listen, role: plan.chrony.role,
                                            degradedIsReady: health.degradedIsReady, metrics: metrics, logger: logger)
            signals.start()
            let code = await supervisor.run(signals: signals.signals, services: [endpoints])
            logger.info("chronyvisor exiting", metadata: [
                "exit_code": "\(code)", "restarts": "\(supervisor.state.snapshot.restarts)",
                "orphans_reaped": "\(ChildReaper.shared.orphansReaped)"])
            if code != 0 { throw ExitCode(code) }
        }
    }
}
