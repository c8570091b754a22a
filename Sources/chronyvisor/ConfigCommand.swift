import ArgumentParser
import ChronyKit
import ChronyRuntime

/// `chronyvisor config`: print (and optionally check) the chrony.conf `run` would write.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the chrony.conf that `chronyvisor run` would write.",
        discussion: """
            Validates every setting `run` reads first (chrony, supervision and health \
            settings): a bad value exits with status 78 and one line naming the variable or \
            flag. With --check the rendered file is also handed to \
            the installed chronyd's own parser (chronyd -p) and the NTS files are checked (PEM, readable by chronyd's user, the \
            pair matching), and chronyd's complaint, if any, \
            is printed with status 78.
            """)

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var healthOptions: HealthOptions

    @Flag(help: "Also check the file with the installed chronyd's parser (chronyd -x -p -f FILE).")
    var check = false

    @Flag(help: "Write the file to CHRONY_CONF (atomically) instead of printing it, as `run` does.")
    var write = false

    func run() async throws {
        try await reportingFailures {
            let resolved = try settings.resolve()
            // Not needed to render, but `run` would refuse them: so does `config`.
            let source = healthOptions.source(over: settings.source)
            _ = try SupervisionSettings.resolve(source)
            _ = try HealthSettings.resolve(source)
            // As `run` renders it: `leapseclist` only for a chronyd that has it (4.6 and later).
            let leapList = try LeapSecondsListFile.check(resolved, source: source)
            let installed = Executables.chronyd(resolved)
            let version = installed.flatMap(ChronydVersion.detect)
            let text = try ConfigWriter.render(resolved, leapSeconds: LeapSecondsListFile.leapSecondsSource(leapList, version: version))
            if check {
                try NTSFileCheck.check(resolved.nts, source: source,
                                       account: try? ChronyAccount.resolve(configured: nil))
                let chronyd = try Executables.require(installed, key: .chronydPath,
                                                      name: "chronyd", source: source)
                try ConfigWriter.checkWithChronyd(text, chronyd: chronyd)
            }
            if write {
                try ConfigWriter.write(text, to: resolved.paths.configFile)
            } else {
                print(text, terminator: "")
            }
        }
    }
}
