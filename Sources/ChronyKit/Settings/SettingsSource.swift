import Configuration

/// Where a raw setting value came from; errors name it so the user knows what to fix.
public enum SettingOrigin: Sendable, Equatable {
    case flag
    case environment
}

/// A raw (unvalidated) setting value and the place it came from.
public struct RawSetting: Sendable, Equatable {
    public let key: SettingKey
    public let value: String
    public let origin: SettingOrigin

    /// The name a person typed: `--servers` for a flag, `NTP_SERVERS` for a variable.
    public var sourceName: String {
        origin == .flag ? key.flag : key.environmentName
    }
}

/// Raw settings from command-line flags and environment variables, read through
/// swift-configuration with the flags layered above the environment (the flag wins).
///
/// Empty values count as unset, so `NTP_SERVERS=` in a compose file means "the default".
public struct SettingsSource: Sendable {
    private let reader: ConfigReader
    private let environment: [String: String]
    private let flags: [SettingKey: String]

    /// - Parameters:
    ///   - environment: the process environment (tests pass their own).
    ///   - flags: values given on the command line, keyed by setting.
    public init(environment: [String: String], flags: [SettingKey: String] = [:]) {
        self.environment = environment
        self.flags = flags
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            flagValues[AbsoluteConfigKey(key.configKey)] = ConfigValue(.string(value), isSecret: false)
        }
        self.reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flagValues),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ])
    }

    /// The same source with more flags (for a command's own option group).
    public func adding(flags more: [SettingKey: String]) -> SettingsSource {
        SettingsSource(environment: environment, flags: flags.merging(more) { $1 })
    }

    /// The raw value of `key`, or nil when neither a flag nor a variable sets it.
    public func raw(_ key: SettingKey) -> RawSetting? {
        guard let value = reader.string(forKey: ConfigKey(key.configKey)), !value.isEmpty else {
            return nil
        }
        let origin: SettingOrigin = (flags[key].map { !$0.isEmpty } ?? false) ? .flag : .environment
        return RawSetting(key: key, value: value, origin: origin)
    }
}
