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
            let graph = RunGraph.build(plan, environment: environment, logger: logger)
            let code = try await graph.run(signals: signals, reaping: reaping, logger: logger)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
