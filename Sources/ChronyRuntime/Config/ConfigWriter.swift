import ChronyKit

/// Renders chrony.conf, checks it with chronyd's own parser and writes it atomically.
public enum ConfigWriter {
    /// The file `run` would write, from the located templates; `leapSeconds` as
    /// `LeapSecondsListFile.leapSecondsSource` chose it for the installed chronyd.
    public static func render(_ settings: ChronySettings, leapSeconds: LeapSecondsSource = .timeZone) throws(TemplateError) -> String {
        let templates = try TemplateDirectory.locate(preferred: settings.templateDirectory)
        return try ChronyConfRenderer(templates: templates).render(settings, leapSeconds: leapSeconds)
    }

    /// Hands `text` to `chronyd -x -p -f FILE` (prints the parsed config and exits; -x so it
    /// could never touch the clock). Throws chronyd's own complaint. `chronyd` is the
    /// executable `Executables.require` accepted.
    public static func checkWithChronyd(_ text: String, chronyd: String) throws(ConfigCheckError) {
        let directory: String
        do {
            directory = try SystemFile.makeTemporaryDirectory("chronyvisor-check")
        } catch {
            throw ConfigCheckError(message: "cannot make a temporary directory to check in: \(error)")
        }
        defer { SystemFile.removeDirectory(directory, files: ["chrony.conf"]) }
        let file = directory + "/chrony.conf"
        do {
            try SystemFile.writeAtomically(text, to: file)
        } catch {
            throw ConfigCheckError(message: "cannot write a temporary file to check: \(error)")
        }
        let result: CapturedRun
        do {
            result = try CapturedRun.run(chronyd, arguments: ["-x", "-p", "-f", file], timeout: .seconds(10))
        } catch {
            throw ConfigCheckError(message: "cannot check the configuration: \(error)")
        }
        guard result.status == .exited(0) else {
            let detail = (result.stderr + result.stdout)
                .split(separator: "\n").last.map(String.init) ?? "\(result.status)"
            throw ConfigCheckError(message: "chronyd rejects the configuration: \(detail)")
        }
    }

    /// Writes `text` to `path` atomically (temporary file + rename), creating the directory.
    public static func write(_ text: String, to path: String) throws(ConfigCheckError) {
        do {
            try SystemFile.writeAtomically(text, to: path)
        } catch {
            throw ConfigCheckError(message: "cannot write \(path): \(error)")
        }
    }
}

/// chronyd refused the rendered configuration, or it could not be checked or written.
public struct ConfigCheckError: ReportableError {
    public let message: String
    public var description: String { message }
    public var exitCode: Int32 { ExitStatus.config }
}
