import ChronyKit
/// Puts the shared NTS server keys (NTS_SERVER_KEYS, `NTSKeySchedule`) where chronyd loads
/// them: the file `ntskeys` in its ntsdumpdir (the state directory), mode 0600, owned by
/// chronyd's user (chronyd reads it after dropping root).
public struct NTSKeyInstaller: Sendable {
    public let schedulePath: String
    public let stateDirectory: String
    public let account: ChronyAccount
    let settingName: String

    public init(schedulePath: String, stateDirectory: String, account: ChronyAccount, source: SettingsSource) {
        self.schedulePath = schedulePath
        self.stateDirectory = stateDirectory
        self.account = account
        settingName = source.raw(.ntsServerKeys)?.sourceName ?? SettingKey.ntsServerKeys.environmentName
    }

    /// Where chronyd looks for its server keys (chrony's DUMP_FILENAME).
    public var keysFile: String { stateDirectory + "/ntskeys" }

    /// Reads and checks the schedule: a `SettingError` (exit 78) naming the setting when the
    /// file is unreadable or not a schedule.
    public func load() throws(SettingError) -> NTSKeySchedule {
        let text: String
        do {
            text = try SystemFile.text(at: schedulePath)
        } catch {
            throw SettingError(source: settingName, value: schedulePath, expected: "a readable NTS key schedule file (\(error))")
        }
        do {
            return try NTSKeySchedule.parse(text)
        } catch {
            throw SettingError(source: settingName, value: schedulePath, expected: "an NTS key schedule (scripts/nts-key-schedule.sh): \(error)")
        }
    }

    /// Writes the keys current at `now` (Unix time) and returns them.
    @discardableResult
    public func install(_ schedule: NTSKeySchedule, now: Int64 = Int64(time(nil))) throws -> NTSKeySchedule.Window {
        let window = schedule.window(at: now)
        do {
            try SystemFile.writeAtomically(window.ntskeysText, to: keysFile, mode: 0o600)
        } catch {
            throw RunSetupError("cannot write the NTS server keys to \(keysFile): \(error)")
        }
        if account.dropsRoot && account.uid != geteuid() {
            guard chown(keysFile, account.uid, account.gid) == 0 else {
                throw RunSetupError("cannot give \(keysFile) to \(account.name): \(String(cString: strerror(errno)))")
            }
        }
        return window
    }
}
