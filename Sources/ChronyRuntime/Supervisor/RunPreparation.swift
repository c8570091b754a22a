import ChronyKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Everything `chronyvisor run` checks and writes before chronyd's first start.
public struct RunPlan: Sendable {
    public let chrony: ChronySettings
    public let supervision: SupervisionSettings
    /// The user chronyd drops to (nil: not started as root).
    public let account: ChronyAccount?
    /// chronyc, on chronyd's command socket.
    public let chronyc: ChronycClient
    public let command: ChronydCommand

    /// Validates every input first — settings, the chrony user, the NTS files, the executables, the rendered
    /// chrony.conf (by chronyd's own parser, `chronyd -x -p`) — and throws the first error
    /// (exit 78) with nothing written or started. Then writes chrony.conf and prepares the
    /// run and state directories.
    public static func prepare(_ source: SettingsSource, environment: [String: String]) throws -> RunPlan {
        let chrony = try ChronySettings.resolve(source)
        let supervision = try SupervisionSettings.resolve(source)
        let account = try ChronyAccount.resolve(configured: supervision.chronyUser)
        try NTSFileCheck.check(chrony.nts, source: source, account: account)
        let chronyd = try executable(Executables.chronyd(chrony), key: .chronydPath, name: "chronyd", source: source)
        let chronyc = try executable(Executables.chronyc(chrony), key: .chronycPath, name: "chronyc", source: source)
        let text = try ConfigWriter.render(chrony)
        try ConfigWriter.checkWithChronyd(text, settings: chrony)

        try ConfigWriter.write(text, to: chrony.paths.configFile)
        try RuntimeDirectories.prepare(chrony.paths, owner: account)
        let command = ChronydCommand.make(executable: chronyd, settings: chrony, user: account?.name, environment: environment)
        return RunPlan(chrony: chrony, supervision: supervision, account: account,
                       chronyc: ChronycClient(executable: chronyc, socket: chrony.paths.commandSocket, timeout: .seconds(5)),
                       command: command)
    }

    private static func executable(_ path: String?, key: SettingKey, name: String,
                                   source: SettingsSource) throws(SettingError) -> String {
        guard let path, access(path, X_OK) == 0 else {
            let raw = source.raw(key)
            throw SettingError(source: raw?.sourceName ?? key.environmentName, value: raw?.value,
                               expected: "an executable \(name) (none found on PATH or in the usual places)")
        }
        return path
    }
}
