import ChronyKit
/// Everything `chronyvisor run` checks and writes before chronyd's first start.
public struct RunPlan: Sendable {
    public let chrony: ChronySettings
    public let supervision: SupervisionSettings
    public let health: HealthSettings
    /// The user chronyd runs as: dropped to from root, or ours (`ChronyAccount.dropsRoot`).
    public let account: ChronyAccount
    /// Installs the shared NTS server keys (NTS_SERVER_KEYS), nil without them.
    public let ntsKeys: NTSKeyInstaller?
    /// chronyc, on chronyd's command socket.
    public let chronyc: ChronycClient
    public let command: ChronydCommand
    /// Where the settings came from: a reload's errors name the variable or flag as at start.
    let source: SettingsSource
    /// The installed chronyd's version (nil: it did not say).
    public let chronyVersion: ChronyVersion?
    /// The leap-second list as read at start.
    public let leapSecondsList: LeapSecondsListState

    /// Validates every input first — settings (chrony, supervision and health), the chrony
    /// user, the NTS files (`NTSFileCheck`, the key schedule), the executables, an explicit LEAP_SECONDS_LIST
    /// (`LeapSecondsListFile.check`), chronyd's version (for `leapseclist`), the rendered chrony.conf (by chronyd's own parser,
    /// `chronyd -x -p`), the run and state directories (`RuntimeDirectories.check`) — and
    /// throws the first error (exit 78) with nothing written or started. Then writes
    /// chrony.conf, prepares the run and state directories and installs the NTS server keys.
    public static func prepare(_ source: SettingsSource, environment: [String: String]) throws -> RunPlan {
        let chrony = try ChronySettings.resolve(source)
        let supervision = try SupervisionSettings.resolve(source)
        let health = try HealthSettings.resolve(source)
        let account = try ChronyAccount.resolve(configured: supervision.chronyUser)
        try ClockControlCheck.check(chrony, account: account, source: source)
        try NTSFileCheck.check(chrony.nts, source: source, account: account)
        let ntsKeys = chrony.nts.serverKeys.map {
            NTSKeyInstaller(schedulePath: $0, stateDirectory: chrony.paths.stateDirectory, account: account, source: source)
        }
        let keySchedule = try ntsKeys?.load()
        let chronyd = try Executables.require(Executables.chronyd(chrony), key: .chronydPath, name: "chronyd", source: source)
        let chronyc = try Executables.require(Executables.chronyc(chrony), key: .chronycPath, name: "chronyc", source: source)
        let leapList = try LeapSecondsListFile.check(chrony, source: source)
        let version = ChronydVersion.detect(chronyd)
        let text = try ConfigWriter.render(chrony, leapSeconds: LeapSecondsListFile.leapSecondsSource(leapList, version: version))
        try ConfigWriter.checkWithChronyd(text, chronyd: chronyd)
        try RuntimeDirectories.check(chrony.paths, owner: account, source: source)

        try ConfigWriter.write(text, to: chrony.paths.configFile)
        try RuntimeDirectories.prepare(chrony.paths, owner: account, source: source)
        if let ntsKeys, let keySchedule { try ntsKeys.install(keySchedule) }
        let command = ChronydCommand.make(executable: chronyd, settings: chrony, account: account, environment: environment)
        return RunPlan(chrony: chrony, supervision: supervision, health: health, account: account, ntsKeys: ntsKeys,
                       chronyc: ChronycClient(executable: chronyc, socket: chrony.paths.commandSocket, timeout: .seconds(5)),
                       command: command, source: source, chronyVersion: version, leapSecondsList: leapList)
    }

    /// A SIGHUP reload: checks the NTS files again (a rotated certificate or key must still
    /// be a readable, matching pair), renders chrony.conf again from the same settings
    /// (templates and drop-ins may have changed), checks it with chronyd's parser and writes
    /// it; throws the error (nothing written) when anything is bad.
    public func reconfigure() throws {
        try NTSFileCheck.check(chrony.nts, source: source, account: account)
        if let ntsKeys { try ntsKeys.install(try ntsKeys.load()) }
        let leapList = try LeapSecondsListFile.check(chrony, source: source)
        let text = try ConfigWriter.render(chrony, leapSeconds: LeapSecondsListFile.leapSecondsSource(leapList, version: chronyVersion))
        try ConfigWriter.checkWithChronyd(text, chronyd: command.executable)
        try ConfigWriter.write(text, to: chrony.paths.configFile)
    }
}
