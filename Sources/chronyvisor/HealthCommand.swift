import ArgumentParser
import ChronyKit
import ChronyRuntime

/// `chronyvisor health`: Docker's HEALTHCHECK. Exit 0 when the node serves good time, 1
/// otherwise, with one line saying why.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that this node serves good time (for Docker's HEALTHCHECK).",
        discussion: """
            Reads the running supervisor's (`chronyvisor run`) latest verdict from the file it \
            writes after every poll in CHRONY_RUN_DIR; without a fresh one, asks the \
            supervisor at HEALTH_LISTEN (GET /readyz, or /healthz with --live) and, when it \
            does not answer, asks chronyd directly and applies the same policy. Prints one line, \
            "STATE: reasons", and exits 0 when ready (healthy, or degraded while \
            HEALTH_DEGRADED_OK is true; with --live: chronyd runs and answers), 1 otherwise. \
            See docs/explanation/health.md for the verdicts and thresholds.
            """)

    @Flag(help: "Check liveness only: chronyd runs and answers, synchronised or not.")
    var live = false

    /// `--timeout`'s default (also what `health` without flags uses: `QuickCommand`).
    static let defaultTimeout = Duration.seconds(5)
    /// The timeouts `--timeout` takes.
    static let timeouts = Duration.milliseconds(1) ... .seconds(60)

    @Option(help: ArgumentHelp("How long to wait for the supervisor or chronyd: 5, 500ms, 1m (plain numbers are seconds).",
                               valueName: "duration"))
    var timeout: Duration = HealthCommand.defaultTimeout

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var healthOptions: HealthOptions

    func validate() throws {
        if !Self.timeouts.contains(timeout) { throw ValidationError.duration("--timeout", timeout, outside: Self.timeouts) }
    }

    func run() async throws {
        try await reportingFailures {
            let status = try HealthCheck.run(source: healthOptions.source(over: settings.source), live: live, timeout: timeout)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
