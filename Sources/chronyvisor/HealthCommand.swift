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
            Asks the running supervisor (`chronyvisor run`) for its latest verdict at \
            HEALTH_LISTEN (GET /readyz, or /healthz with --live) and, when it does not \
            answer, asks chronyd directly and applies the same policy. Prints one line, \
            "STATE: reasons", and exits 0 when ready (healthy, or degraded while \
            HEALTH_DEGRADED_OK is true; with --live: chronyd runs and answers), 1 otherwise. \
            See the README's Health section for the verdicts and thresholds.
            """)

    @Flag(help: "Check liveness only: chronyd runs and answers, synchronised or not.")
    var live = false

    @Option(help: ArgumentHelp("Seconds to wait for the supervisor or chronyd.", valueName: "seconds"))
    var timeout: Double = 5

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var healthOptions: HealthOptions

    func validate() throws {
        if !(timeout > 0 && timeout <= 60) {
            throw ValidationError("--timeout must be a number of seconds above 0 and at most 60")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let resolved = try settings.resolve()
            let health = try healthOptions.resolve(settings.source)
            let (answer, origin) = VerdictSource.answer(settings: resolved, health: health, liveness: live,
                                                        timeout: .milliseconds(Int64(timeout * 1000)))
            var line = answer.summary
            if case .chronyd(let why) = origin { line += " (asked chronyd directly: \(why))" }
            print(line)
            if !answer.ready { throw ExitCode(1) }
        }
    }
}
