import ChronyKit

/// A chronyd the supervisor started: its pid and a way to await its end.
public struct StartedChronyd: Sendable {
    public let pid: pid_t
    /// Returns how chronyd ended, once it has and its last output lines are logged.
    public let exit: @Sendable () async -> ChildExit

    public init(pid: pid_t, exit: @escaping @Sendable () async -> ChildExit) {
        self.pid = pid
        self.exit = exit
    }
}

/// What the supervisor's lifecycle does to processes: start chronyd and signal it. Injected
/// so that restarts, backoff, grace, give-up and reload are tested in-process without
/// chronyd (`ProcessChronydLauncher` is the real one).
public protocol ChronydLaunching: Sendable {
    /// The command's executable, for the logs.
    var description: String { get }
    /// Starts chronyd (a failure to start counts as a failed run with status 127).
    func launch() throws -> StartedChronyd
    /// Sends `signal` to `pid`; returns errno when the kernel refuses (0: sent or already gone).
    func signal(_ signal: Int32, to pid: pid_t) -> Int32
}

/// Starts the real chronyd through `ChronydProcess` (reaped by `ChildReaper`) and signals
/// it with kill(2).
public struct ProcessChronydLauncher: ChronydLaunching {
    public let command: ChronydCommand

    public init(command: ChronydCommand) {
        self.command = command
    }

    public var description: String { "\(command.executable) \(command.arguments.joined(separator: " "))" }

    public func launch() throws -> StartedChronyd {
        let launched = try ChronydProcess.launch(command)
        let pid = launched.pid
        return StartedChronyd(pid: pid) {
            let exit = await ChildReaper.shared.exit(of: pid)
            // chronyd's last words (a fatal error, "chronyd exiting") before anything else.
            await launched.outputDrained(timeout: .milliseconds(500))
            return exit
        }
    }

    public func signal(_ signal: Int32, to pid: pid_t) -> Int32 {
        guard kill(pid, signal) != 0 else { return 0 }
        let code = errno
        return code == ESRCH ? 0 : code  // already gone: its exit is on the way
    }
}
