import ArgumentParser
import ChronyKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The `chronyvisor` command: one binary for every container of the NTP stand.
@main
struct Chronyvisor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronyvisor",
        abstract: "Run, supervise and observe chronyd in a container.",
        discussion: """
            Every setting can be given as an environment variable or as the equivalent flag \
            (the flag wins). Run `chronyvisor help <subcommand>` for the settings a \
            subcommand reads.
            """,
        version: ChronyvisorVersion.current,
        subcommands: [
            RunCommand.self,
            HealthCommand.self,
            StatusCommand.self,
            ProbeCommand.self,
            ConfigCommand.self,
            SettingsCommand.self,
        ]
    )

    /// The entry point. First, before any Dispatch worker thread logs: libdispatch's own
    /// diagnostics off. A release libdispatch writes them to syslog, outside our log format;
    /// under systemd without CAP_SYS_NICE every start logged "Failed to set thread priority
    /// for worker thread … errno=13" (a worker's renice for a QoS class, refused and
    /// harmless). What it reports otherwise is a crash, which ends the process visibly anyway.
    static func main() async {
        setenv("LIBDISPATCH_LOG", "NO", 1)
        await main(nil)
    }
}
