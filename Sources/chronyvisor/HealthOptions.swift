import ArgumentParser
import ChronyKit

/// The health settings as flags, each the equivalent of its environment variable.
struct HealthOptions: ParsableArguments {
    @Option(name: .customLong(SettingKey.healthListen.flagName), help: SettingKey.healthListen.argumentHelp) var listen: String?
    @Option(name: .customLong(SettingKey.healthMaxOffset.flagName), help: SettingKey.healthMaxOffset.argumentHelp) var maxOffset: String?
    @Option(name: .customLong(SettingKey.healthMaxRootDistance.flagName), help: SettingKey.healthMaxRootDistance.argumentHelp) var maxRootDistance: String?
    @Option(name: .customLong(SettingKey.healthStartGrace.flagName), help: SettingKey.healthStartGrace.argumentHelp) var startGrace: String?
    @Option(name: .customLong(SettingKey.healthDegradedOK.flagName), help: SettingKey.healthDegradedOK.argumentHelp) var degradedOK: String?
    @Option(name: .customLong(SettingKey.healthServedTime.flagName), help: SettingKey.healthServedTime.argumentHelp) var servedTime: String?

    var flagValues: [SettingKey: String] {
        let pairs: [(SettingKey, String?)] = [
            (.healthListen, listen), (.healthMaxOffset, maxOffset), (.healthMaxRootDistance, maxRootDistance),
            (.healthStartGrace, startGrace), (.healthDegradedOK, degradedOK), (.healthServedTime, servedTime),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Validated health settings from these flags layered over `base`'s flags and environment.
    func resolve(_ base: SettingsSource) throws(SettingError) -> HealthSettings {
        try HealthSettings.resolve(source(over: base))
    }

    /// These flags layered over `base`'s flags and environment.
    func source(over base: SettingsSource) -> SettingsSource {
        base.adding(flags: flagValues)
    }
}
