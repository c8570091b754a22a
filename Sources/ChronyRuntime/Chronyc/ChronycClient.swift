import ChronyKit

/// Reads chronyd's reports through `chronyc -c -m -h SOCKET ...`: one chronyc process for
/// several reports, killed after `timeout` (a stopped chronyd never hangs the caller), its
/// failure answers turned into `ChronycError`. Used by `chronyvisor status`, the supervisor's
/// poll loop and the health check.
///
/// `fetch` blocks the calling thread while chronyc runs (a few milliseconds when chronyd
/// answers; at most `timeout`); call it from a task that may block.
public struct ChronycClient: Sendable {
    /// The chronyc executable.
    public let executable: String
    /// chronyd's Unix command socket (the reports serverstats, ntpdata and clients need it).
    public let socket: String
    /// How long chronyc may take before it is killed.
    public let timeout: Duration

    public init(executable: String, socket: String, timeout: Duration = .seconds(10)) {
        self.executable = executable
        self.socket = socket
        self.timeout = timeout
    }

    /// A client with the chronyc and socket `settings` name (chronyc from CHRONYC_PATH or PATH).
    public init(settings: ChronySettings, socket: String? = nil, timeout: Duration = .seconds(10)) throws(ChronycError) {
        guard let executable = Executables.chronyc(settings) else {
            throw .cannotStart(executable: "chronyc", reason: "not found on PATH (set CHRONYC_PATH)")
        }
        self.init(executable: executable, socket: socket ?? settings.paths.commandSocket, timeout: timeout)
    }

    /// The arguments of the chronyc run for `batch`.
    public func arguments(for batch: ChronycBatch) -> [String] {
        ["-c", "-n", "-m", "-h", socket] + batch.commands
    }

    /// Reads `kinds` (repeats ignored) in one chronyc run.
    public func fetch(_ kinds: [ReportKind]) throws(ChronycError) -> ReportSet {
        let batch = ChronycBatch(kinds)
        guard !batch.kinds.isEmpty else { return ReportSet() }
        let run: CapturedRun
        do {
            run = try CapturedRun.run(executable, arguments: arguments(for: batch), timeout: timeout)
        } catch {
            switch error {
            case .timedOut: throw .timedOut(socket: socket, timeout: timeout)
            case .cannotStart(_, let reason): throw .cannotStart(executable: executable, reason: reason)
            }
        }
        guard run.status == .exited(0) else {
            throw ChronycError.classify(exitDescription: run.status.description, stdout: run.stdout,
                                        stderr: run.stderr, socket: socket)
        }
        do {
            return try batch.parse(run.stdout)
        } catch {
            throw .malformed(error)
        }
    }

    /// Runs one chronyc command (`burst 4/4`, `online` …) through the command socket; chronyd
    /// must answer `200 OK`.
    public func command(_ words: [String]) throws(ChronycError) {
        let run: CapturedRun
        do {
            run = try CapturedRun.run(executable, arguments: ["-h", socket] + words, timeout: timeout)
        } catch {
            switch error {
            case .timedOut: throw .timedOut(socket: socket, timeout: timeout)
            case .cannotStart(_, let reason): throw .cannotStart(executable: executable, reason: reason)
            }
        }
        guard run.status == .exited(0), run.stdout.contains("200 OK") else {
            throw ChronycError.classify(exitDescription: run.status.description, stdout: run.stdout,
                                        stderr: run.stderr, socket: socket)
        }
    }

    /// Reads one report.
    public func fetch(_ kind: ReportKind) throws(ChronycError) -> ReportSet {
        try fetch([kind])
    }
}
