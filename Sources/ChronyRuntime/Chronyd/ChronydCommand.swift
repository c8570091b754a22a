import ChronyKit

/// The command line and environment chronyd is started with.
public struct ChronydCommand: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]

    /// `chronyd -d [-x] [-U] [-u USER] -L LEVEL -f CONF`:
    /// - `-d`: foreground, log to stderr (forwarded into our log);
    /// - `-x` unless clock control was asked for (containers share the host's clock);
    /// - `-u USER`: started as root, chronyd drops root to USER after opening its sockets;
    ///   started as USER (not root), `-U` skips chronyd's "Not superuser" check and `-u`
    ///   names USER, whose uid and gid chronyd requires on its command socket's directory
    ///   (without `-u` it would look up its built-in `_chrony`);
    /// - `-L` chronyd's log level, `-f` the file `run` rendered.
    ///
    /// The environment is ours minus `NOTIFY_SOCKET` and `WATCHDOG_*`: systemd notifications
    /// come from chronyvisor only (chronyd >= 4.7 would send its own READY=1).
    public static func make(executable: String, settings: ChronySettings, account: ChronyAccount?,
                            environment: [String: String]) -> ChronydCommand {
        var arguments = ["-d"]
        if !settings.clockControl { arguments.append("-x") }
        if let account {
            if !account.dropsRoot && account.uid != 0 { arguments.append("-U") }
            arguments += ["-u", account.name]
        }
        arguments += ["-L", String(settings.logLevel.rawValue), "-f", settings.paths.configFile]
        let filtered = environment.filter { !SystemdNotifier.privateVariables.contains($0.key) }
        return ChronydCommand(executable: executable, arguments: arguments, environment: filtered)
    }
}
