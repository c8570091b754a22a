import ArgumentParser
import ChronyKit
import Foundation

/// The chrony settings as flags; each flag is the equivalent of its environment variable
/// (names and help come from `SettingKey`) and wins over it.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong(SettingKey.role.flagName), help: help(.role)) var role: String?
    @Option(name: .customLong(SettingKey.servers.flagName), help: help(.servers)) var servers: String?
    @Option(name: .customLong(SettingKey.enableNTS.flagName), help: help(.enableNTS)) var nts: String?
    @Option(name: .customLong(SettingKey.allow.flagName), help: help(.allow)) var allow: String?
    @Option(name: .customLong(SettingKey.port.flagName), help: help(.port)) var port: String?
    @Option(name: .customLong(SettingKey.minPoll.flagName), help: help(.minPoll)) var minPoll: String?
    @Option(name: .customLong(SettingKey.maxPoll.flagName), help: help(.maxPoll)) var maxPoll: String?
    @Option(name: .customLong(SettingKey.minSources.flagName), help: help(.minSources)) var minSources: String?
    @Option(name: .customLong(SettingKey.localStratum.flagName), help: help(.localStratum)) var localStratum: String?
    @Option(name: .customLong(SettingKey.clockControl.flagName), help: help(.clockControl)) var clockControl: String?
    @Option(name: .customLong(SettingKey.noClientLog.flagName), help: help(.noClientLog)) var noClientLog: String?
    @Option(name: .customLong(SettingKey.logLevel.flagName), help: help(.logLevel)) var logLevel: String?
    @Option(name: .customLong(SettingKey.chronyConf.flagName), help: help(.chronyConf)) var conf: String?
    @Option(name: .customLong(SettingKey.runDirectory.flagName), help: help(.runDirectory)) var runDir: String?
    @Option(name: .customLong(SettingKey.stateDirectory.flagName), help: help(.stateDirectory)) var stateDir: String?
    @Option(name: .customLong(SettingKey.confDirectory.flagName), help: help(.confDirectory)) var confDir: String?
    @Option(name: .customLong(SettingKey.templateDirectory.flagName), help: help(.templateDirectory)) var templates: String?
    @Option(name: .customLong(SettingKey.chronydPath.flagName), help: help(.chronydPath)) var chronyd: String?
    @Option(name: .customLong(SettingKey.chronycPath.flagName), help: help(.chronycPath)) var chronyc: String?
    @Option(name: .customLong(SettingKey.chronyUser.flagName), help: help(.chronyUser)) var user: String?
    @Option(name: .customLong(SettingKey.stopGrace.flagName), help: help(.stopGrace)) var stopGrace: String?
    @Option(name: .customLong(SettingKey.restartMax.flagName), help: help(.restartMax)) var restartMax: String?
    @Option(name: .customLong(SettingKey.restartWindow.flagName), help: help(.restartWindow)) var restartWindow: String?
    @Option(name: .customLong(SettingKey.readyWhen.flagName), help: help(.readyWhen)) var readyWhen: String?
    @Option(name: .customLong(SettingKey.pollInterval.flagName), help: help(.pollInterval)) var pollInterval: String?

    /// The flags that were given, by setting.
    var flagValues: [SettingKey: String] {
        let pairs: [(SettingKey, String?)] = [
            (.role, role), (.servers, servers), (.enableNTS, nts), (.allow, allow), (.port, port),
            (.minPoll, minPoll), (.maxPoll, maxPoll), (.minSources, minSources),
            (.localStratum, localStratum), (.clockControl, clockControl), (.noClientLog, noClientLog),
            (.logLevel, logLevel), (.chronyConf, conf), (.runDirectory, runDir),
            (.stateDirectory, stateDir), (.confDirectory, confDir), (.templateDirectory, templates),
            (.chronydPath, chronyd), (.chronycPath, chronyc),
            (.chronyUser, user), (.stopGrace, stopGrace), (.restartMax, restartMax),
            (.restartWindow, restartWindow), (.readyWhen, readyWhen), (.pollInterval, pollInterval),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Flags layered over this process's environment.
    var source: SettingsSource {
        SettingsSource(environment: ProcessInfo.processInfo.environment, flags: flagValues)
    }

    /// Validated settings; a `SettingError` (exit 78) names the bad input.
    func resolve() throws(SettingError) -> ChronySettings {
        try ChronySettings.resolve(source)
    }

    private static func help(_ key: SettingKey) -> ArgumentHelp {
        ArgumentHelp("\(key.help) [env: \(key.environmentName); default: \(key.defaultDescription)]", valueName: "value")
    }
}
