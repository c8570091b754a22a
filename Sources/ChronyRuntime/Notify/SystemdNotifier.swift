import CSystemd
/// Tells systemd (or any `$NOTIFY_SOCKET` listener: podman, a test) how the service is doing,
/// through libsystemd's `sd_notify`, which handles both path and abstract (`@name`) sockets.
/// libsystemd is loaded on the first notification only (`chronyvisor_sd_notify`), so the
/// commands that never notify do not pay for loading it.
/// Without `NOTIFY_SOCKET` every call is a no-op.
public struct SystemdNotifier: Sendable {
    /// `NOTIFY_SOCKET` was set when the notifier was made.
    public let isEnabled: Bool
    /// How often to send WATCHDOG=1 (half of `WATCHDOG_USEC`), nil when no watchdog is asked for.
    public let watchdogInterval: Duration?

    public init(environment: [String: String]) {
        isEnabled = !(environment["NOTIFY_SOCKET"] ?? "").isEmpty
        watchdogInterval = isEnabled ? Self.watchdogInterval(environment) : nil
    }

    /// Half of `WATCHDOG_USEC`, read by hand: libsystemd's `sd_watchdog_enabled` also demands
    /// `WATCHDOG_PID == getpid()`, which never holds inside a container's PID namespace
    /// (systemd sees another pid), so it would switch the watchdog off exactly where it matters.
    public static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec / 2))
    }

    /// Sends `fields` (e.g. `READY=1`, `STATUS=…`) as one datagram. Returns whether it was sent.
    @discardableResult
    public func send(_ fields: [String]) -> Bool {
        guard isEnabled, !fields.isEmpty else { return false }
        let message = fields.map { $0.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ") }.joined(separator: "\n")
        return chronyvisor_sd_notify(0, message) > 0
    }

    @discardableResult
    public func ready(status: String) -> Bool { send(["READY=1", "STATUS=\(status)"]) }
    @discardableResult
    public func status(_ status: String) -> Bool { send(["STATUS=\(status)"]) }
    @discardableResult
    public func watchdog() -> Bool { send(["WATCHDOG=1"]) }
    @discardableResult
    public func stopping(status: String) -> Bool { send(["STOPPING=1", "STATUS=\(status)"]) }

    /// The variables meant for us only: a child must not see them (chronyd >= 4.7 would send
    /// its own READY=1, and rejects abstract sockets).
    public static let privateVariables: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]
}
