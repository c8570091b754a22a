import ArgumentParser
import ChronyKit
import ChronyRuntime

/// The chrony settings as flags; each flag is the equivalent of its environment variable
/// (names and help come from `SettingKey`) and wins over it.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong(SettingKey.role.flagName), help: SettingKey.role.argumentHelp) var role: String?
    @Option(name: .customLong(SettingKey.servers.flagName), help: SettingKey.servers.argumentHelp) var servers: String?
    @Option(name: .customLong(SettingKey.serversByIndex.flagName), help: SettingKey.serversByIndex.argumentHelp) var serversByIndex: String?
    @Option(name: .customLong(SettingKey.nodeIndex.flagName), help: SettingKey.nodeIndex.argumentHelp) var nodeIndex: String?
    @Option(name: .customLong(SettingKey.enableNTS.flagName), help: SettingKey.enableNTS.argumentHelp) var nts: String?
    @Option(name: .customLong(SettingKey.ntsServerCert.flagName), help: SettingKey.ntsServerCert.argumentHelp) var ntsServerCert: String?
    @Option(name: .customLong(SettingKey.ntsServerKey.flagName), help: SettingKey.ntsServerKey.argumentHelp) var ntsServerKey: String?
    @Option(name: .customLong(SettingKey.ntsServerKeys.flagName), help: SettingKey.ntsServerKeys.argumentHelp) var ntsServerKeys: String?
    @Option(name: .customLong(SettingKey.ntsPort.flagName), help: SettingKey.ntsPort.argumentHelp) var ntsPort: String?
    @Option(name: .customLong(SettingKey.ntsTrustedCerts.flagName), help: SettingKey.ntsTrustedCerts.argumentHelp) var ntsTrustedCerts: String?
    @Option(name: .customLong(SettingKey.allow.flagName), help: SettingKey.allow.argumentHelp) var allow: String?
    @Option(name: .customLong(SettingKey.port.flagName), help: SettingKey.port.argumentHelp) var port: String?
    @Option(name: .customLong(SettingKey.minPoll.flagName), help: SettingKey.minPoll.argumentHelp) var minPoll: String?
    @Option(name: .customLong(SettingKey.maxPoll.flagName), help: SettingKey.maxPoll.argumentHelp) var maxPoll: String?
    @Option(name: .customLong(SettingKey.minSources.flagName), help: SettingKey.minSources.argumentHelp) var minSources: String?
    @Option(name: .customLong(SettingKey.localStratum.flagName), help: SettingKey.localStratum.argumentHelp) var localStratum: String?
    @Option(name: .customLong(SettingKey.clockControl.flagName), help: SettingKey.clockControl.argumentHelp) var clockControl: String?
    @Option(name: .customLong(SettingKey.noClientLog.flagName), help: SettingKey.noClientLog.argumentHelp) var noClientLog: String?
    @Option(name: .customLong(SettingKey.logLevel.flagName), help: SettingKey.logLevel.argumentHelp) var logLevel: String?
    @Option(name: .customLong(SettingKey.leapSmearMix.flagName), help: SettingKey.leapSmearMix.argumentHelp) var leapSmearMix: String?
    @Option(name: .customLong(SettingKey.leapSecondsList.flagName), help: SettingKey.leapSecondsList.argumentHelp) var leapSecondsList: String?
    @Option(name: .customLong(SettingKey.chronyConf.flagName), help: SettingKey.chronyConf.argumentHelp) var conf: String?
    @Option(name: .customLong(SettingKey.runDirectory.flagName), help: SettingKey.runDirectory.argumentHelp) var runDir: String?
    @Option(name: .customLong(SettingKey.stateDirectory.flagName), help: SettingKey.stateDirectory.argumentHelp) var stateDir: String?
    @Option(name: .customLong(SettingKey.confDirectory.flagName), help: SettingKey.confDirectory.argumentHelp) var confDir: String?
    @Option(name: .customLong(SettingKey.templateDirectory.flagName), help: SettingKey.templateDirectory.argumentHelp) var templates: String?
    @Option(name: .customLong(SettingKey.chronydPath.flagName), help: SettingKey.chronydPath.argumentHelp) var chronyd: String?
    @Option(name: .customLong(SettingKey.chronycPath.flagName), help: SettingKey.chronycPath.argumentHelp) var chronyc: String?
    @Option(name: .customLong(SettingKey.chronyUser.flagName), help: SettingKey.chronyUser.argumentHelp) var user: String?
    @Option(name: .customLong(SettingKey.stopGrace.flagName), help: SettingKey.stopGrace.argumentHelp) var stopGrace: String?
    @Option(name: .customLong(SettingKey.restartMax.flagName), help: SettingKey.restartMax.argumentHelp) var restartMax: String?
    @Option(name: .customLong(SettingKey.restartWindow.flagName), help: SettingKey.restartWindow.argumentHelp) var restartWindow: String?
    @Option(name: .customLong(SettingKey.readyWhen.flagName), help: SettingKey.readyWhen.argumentHelp) var readyWhen: String?
    @Option(name: .customLong(SettingKey.pollInterval.flagName), help: SettingKey.pollInterval.argumentHelp) var pollInterval: String?
    @Option(name: .customLong(SettingKey.unresponsiveTimeout.flagName), help: SettingKey.unresponsiveTimeout.argumentHelp)
    var unresponsiveTimeout: String?

    /// The flags that were given, by setting.
    var flagValues: [SettingKey: String] {
        let pairs: [(SettingKey, String?)] = [
            (.role, role), (.servers, servers), (.serversByIndex, serversByIndex), (.nodeIndex, nodeIndex), (.enableNTS, nts),
            (.ntsServerCert, ntsServerCert), (.ntsServerKey, ntsServerKey), (.ntsServerKeys, ntsServerKeys), (.ntsPort, ntsPort),
            (.ntsTrustedCerts, ntsTrustedCerts), (.allow, allow), (.port, port),
            (.minPoll, minPoll), (.maxPoll, maxPoll), (.minSources, minSources),
            (.localStratum, localStratum), (.clockControl, clockControl), (.noClientLog, noClientLog),
            (.logLevel, logLevel), (.leapSmearMix, leapSmearMix), (.leapSecondsList, leapSecondsList), (.chronyConf, conf), (.runDirectory, runDir),
            (.stateDirectory, stateDir), (.confDirectory, confDir), (.templateDirectory, templates),
            (.chronydPath, chronyd), (.chronycPath, chronyc),
            (.chronyUser, user), (.stopGrace, stopGrace), (.restartMax, restartMax),
            (.restartWindow, restartWindow), (.readyWhen, readyWhen), (.pollInterval, pollInterval),
            (.unresponsiveTimeout, unresponsiveTimeout),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// Flags layered over this process's environment.
    var source: SettingsSource {
        SettingsSource(environment: ProcessEnvironment.current, flags: flagValues)
    }

    /// Validated settings; a `SettingError` (exit 78) names the bad input.
    func resolve() throws(SettingError) -> ChronySettings {
        try ChronySettings.resolve(source)
    }
}

extension SettingKey {
    /// The flag's help: the setting's meaning, its variable and its default.
    var argumentHelp: ArgumentHelp {
        ArgumentHelp("\(help) [env: \(environmentName); default: \(defaultDescription)]", valueName: "value")
    }
}
