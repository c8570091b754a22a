import ArgumentParser
import ChronyKit

/// The `chronyvisor` command: one binary for every container of the NTP stand. Started by
/// `Entry`, which runs the argument parser in an async context.
struct Chronyvisor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronyvisor",
        abstract: "Run, supervise and observe chronyd in a container.",
        discussion: """
            Every setting can be given as an environment variable or as the equivalent flag \
            (the flag wins). Run `chronyvisor help <subcommand>` for the settings a \
            subcommand reads.
            """,
        version: ChronyvisorVersion.line,
        subcommands: [
            RunCommand.self,
            HealthCommand.self,
            StatusCommand.self,
            ProbeCommand.self,
            ConfigCommand.self,
            SettingsCommand.self,
        ]
    )
}
