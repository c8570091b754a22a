import ArgumentParser
import ChronyKit
import ChronyRuntime

extension ReportKind: ExpressibleByArgument {}

/// `chronyvisor status [REPORT]`: chronyd's state as `chronyc -n REPORT` prints it, or as
/// JSON; from the running chronyd or from a saved `chronyc -c REPORT` output.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show chronyd's state, in chronyc's own format or as JSON.",
        discussion: """
            With no REPORT: an overview (role, health, warnings about the settings such as \
            fewer than three servers, a pending leap second, the leap-second list's expiry, \
            the tracking block and the sources table). With REPORT (tracking, sources, sourcestats, serverstats, activity, \
            ntpdata, clients, authdata, selectdata): exactly what `chronyc -n REPORT` prints for the same state. \
            --json prints the schema documented in docs/status-json.md. --from renders a \
            saved `chronyc -c REPORT` output instead of asking chronyd. When chronyd cannot \
            be reached, one line naming the socket is printed and the exit status is 1; a \
            malformed --from file exits with 65.
            """)

    @Argument(help: "The report: tracking, sources, sourcestats, serverstats, activity, ntpdata, clients, authdata or selectdata.")
    var report: ReportKind?

    @Flag(help: "Print JSON (docs/status-json.md) instead of chronyc's text.")
    var json = false

    @Option(help: ArgumentHelp("Render saved `chronyc -c REPORT` output from FILE (- for stdin) instead of asking chronyd.", valueName: "file"))
    var from: String?

    @Option(help: ArgumentHelp("chronyd's command socket (default: chronyd.sock in the run directory).", valueName: "path"))
    var socket: String?

    /// The timeouts `--timeout` takes.
    static let timeouts = Duration.milliseconds(1) ... .seconds(3600)

    @Option(help: ArgumentHelp("How long to wait for chronyc before killing it: 10, 500ms, 1m (plain numbers are seconds).",
                               valueName: "duration"))
    var timeout: Duration = .seconds(10)

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var healthOptions: HealthOptions

    func validate() throws {
        if from != nil && report == nil {
            throw ValidationError("--from needs the REPORT the file holds, e.g. `status sources --from FILE`")
        }
        if !Self.timeouts.contains(timeout) { throw ValidationError.duration("--timeout", timeout, outside: Self.timeouts) }
    }

    func run() async throws {
        try await reportingFailures {
            if let from, let report {
                print(try StatusRendering.renderSaved(try readInput(from), as: report, json: json), terminator: "")
                return
            }
            let resolved = try settings.resolve()
            let client = try ChronycClient(settings: resolved, socket: socket, timeout: timeout)
            if let report {
                let set = try client.fetch(report)
                print(StatusRendering.render(report, of: set, json: json), terminator: "")
            } else {
                let set = try client.fetch([.tracking, .sources, .authdata])
                guard let tracking = set.tracking, let sources = set.sources else {
                    throw ChronycError.malformed(ReportParseError(report: .tracking, line: 1, fieldNumber: 0,
                                                                  field: "", problem: .missingLine))
                }
                // The supervisor's verdict when it runs, else the policy applied to these reports.
                let health = try healthOptions.resolve(settings.source)
                let verdict = try VerdictSource.answer(
                    runDirectory: resolved.paths.runDirectory, liveness: false, supervisorTimeout: .seconds(2),
                    settings: { (resolved, health) }, chronydReports: { _ in .success(set) }).0.verdict
                var overview = StatusOverview(role: resolved.role, verdict: verdict, tracking: tracking, sources: sources)
                overview.warnings = [SourceDiversity.warning(servers: resolved.servers)].compactMap { $0 }
                overview.leapSecondsList = LeapSecondsListStatus(LeapSecondsListFile.read(resolved.leapSecondsList),
                                                                 now: Int64(Supervisor.realtimeSeconds()))
                print(json ? StatusJSON.encode(overview) : overview.text, terminator: "")
            }
        }
    }

    private func readInput(_ path: String) throws(InputError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try path == "-" ? SystemFile.readAll(STDIN_FILENO) : SystemFile.bytes(at: path)
        } catch {
            throw InputError(path: path, reason: "cannot be read")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Read fine, but cannot be chronyc's output (which is ASCII): bad data, not no input.
            throw InputError(path: path, reason: "is not valid chronyc output (not UTF-8 text)", exitCode: ExitStatus.dataError)
        }
        return text
    }
}

/// A --from file that cannot be read (EX_NOINPUT, 66) or is not text (EX_DATAERR, 65).
struct InputError: ReportableError {
    let path: String
    let reason: String
    var exitCode: Int32 = 66
    var description: String { "--from \(path == "-" ? "stdin" : path) \(reason): expected saved `chronyc -c REPORT` output" }
}
