import ChronyKit
import ChronyRuntime

/// What `chronyvisor health` does, with or without the argument parser.
enum HealthCheck {
    /// Prints "STATE: reasons" and returns 0 when ready (live, with `live`), else 1.
    ///
    /// The supervisor's verdict file in CHRONY_RUN_DIR first (written after every poll: one
    /// file read, nothing else resolved); without a fresh one, the supervisor at HEALTH_LISTEN;
    /// without an answer there, chronyd itself under the same policy. Throws a
    /// `SettingError` (exit 78) for a bad setting it needed.
    static func run(source: SettingsSource, live: Bool, timeout wait: Duration) throws(SettingError) -> Int32 {
        let (answer, origin) = try VerdictSource.answer(
            runDirectory: try ChronySettings.runDirectory(source), liveness: live, supervisorTimeout: wait,
            settings: { () throws(SettingError) in (try ChronySettings.resolve(source), try HealthSettings.resolve(source)) },
            chronydReports: { VerdictSource.chronydReports($0, timeout: wait) })
        var line = answer.summary
        if case .chronyd(let why) = origin { line += " (asked chronyd directly: \(why))" }
        print(line)
        return answer.ready ? 0 : 1
    }
}
