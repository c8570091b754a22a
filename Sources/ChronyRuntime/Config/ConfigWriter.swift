import ChronyKit
import Foundation

/// Renders chrony.conf, checks it with chronyd's own parser and writes it atomically.
public enum ConfigWriter {
    /// The file `run` would write, from the located templates.
    public static func render(_ settings: ChronySettings) throws(TemplateError) -> String {
        let templates = try TemplateSet.locate(preferred: settings.templateDirectory)
        return try ChronyConfRenderer(templates: templates).render(settings)
    }

    /// Hands `text` to `chronyd -x -p -f FILE` (prints the parsed config and exits; -x so it
    /// could never touch the clock). Throws chronyd's own complaint. `chronyd` is the
    /// executable `Executables.require` accepted.
    public static func checkWithChronyd(_ text: String, chronyd: String) throws(ConfigCheckError) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chronyvisor-check-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let file = directory.appendingPathComponent("chrony.conf")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        } catch {
            throw ConfigCheckError(message: "cannot write a temporary file to check: \(error.localizedDescription)")
        }
        let result: CapturedRun
        do {
            result = try CapturedRun.run(chronyd, arguments: ["-x", "-p", "-f", file.path], timeout: .seconds(10))
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
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw ConfigCheckError(message: "cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// chronyd refused the rendered configuration, or it could not be checked or written.
public struct ConfigCheckError: ReportableError {
    public let message: String
    public var description: String { message }
    public var exitCode: Int32 { ExitStatus.config }
}
