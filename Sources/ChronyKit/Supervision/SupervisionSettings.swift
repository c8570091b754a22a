/// Validated settings of `chronyvisor run`'s supervision: how chronyd is stopped, restarted
/// and watched. Resolved from the same flags and environment as `ChronySettings`.
public struct SupervisionSettings: Sendable, Equatable {
    /// The user chronyd drops root to (`-u`); nil: the distribution's chrony user.
    public var chronyUser: String?
    /// How long a stopping chronyd gets after SIGTERM before SIGKILL.
    public var stopGrace: Duration
    public var restartPolicy: RestartPolicy
    /// How often chronyd is asked for its state.
    public var pollInterval: Duration
    /// How long a running chronyd may go without answering (since its start or its last
    /// answer) before it is killed and restarted as a failure (a frozen chronyd).
    public var unresponsiveTimeout: Duration

    public static let defaultStopGrace: Duration = .seconds(5)
    public static let defaultPollInterval: Duration = .seconds(2)
    /// Well above a slow poll: chronyc's own timeout is 5 s and a poll runs every 2 s.
    public static let defaultUnresponsiveTimeout: Duration = .seconds(60)

    public init(chronyUser: String? = nil, stopGrace: Duration = defaultStopGrace,
                restartPolicy: RestartPolicy = RestartPolicy(),
                pollInterval: Duration = defaultPollInterval, unresponsiveTimeout: Duration = defaultUnresponsiveTimeout) {
        self.unresponsiveTimeout = unresponsiveTimeout
        self.chronyUser = chronyUser
        self.stopGrace = stopGrace
        self.restartPolicy = restartPolicy
        self.pollInterval = pollInterval
    }

    /// Validates the supervision settings in `source`, throwing the first error (exit 78).
    public static func resolve(_ source: SettingsSource) throws(SettingError) -> SupervisionSettings {
        let v = Validator(source: source)
        let user = try v.value(.chronyUser, expected: "a user name (letters, digits, _ . -, not starting with - or a digit)") { name in
            let valid = name.utf8.count <= 32 && !name.hasPrefix("-") && !(name.first?.isNumber ?? true)
                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
            return valid ? name : nil
        }
        let policy = RestartPolicy(
            maxRestarts: try v.int(.restartMax, in: 0...1000) ?? RestartPolicy.defaultMaxRestarts,
            window: try v.duration(.restartWindow, in: .seconds(1)...(.seconds(86_400))) ?? RestartPolicy.defaultWindow)
        return SupervisionSettings(
            chronyUser: user,
            stopGrace: try v.duration(.stopGrace, in: .zero...(.seconds(3600))) ?? defaultStopGrace,
            restartPolicy: policy,
            pollInterval: try v.duration(.pollInterval, in: .milliseconds(50)...(.seconds(3600))) ?? defaultPollInterval,
            unresponsiveTimeout: try v.duration(.unresponsiveTimeout, in: .milliseconds(100)...(.seconds(86_400)))
                ?? defaultUnresponsiveTimeout)
    }
}
