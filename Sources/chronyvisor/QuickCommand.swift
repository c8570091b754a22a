import ChronyKit
import ChronyRuntime

/// The command lines run without the argument parser, in exactly the forms the image, the
/// compose file and the deploy manifests exec: `health`, `health --live` and `--version`.
/// They do what the parser would make of them (HealthCommand with its defaults, the version
/// line); any other form, extra flag or spelling goes through the parser.
enum QuickCommand: Equatable {
    case version
    case health(live: Bool)

    init?(_ arguments: [String]) {
        switch arguments {
        case ["--version"]: self = .version
        case ["health"]: self = .health(live: false)
        case ["health", "--live"]: self = .health(live: true)
        default: return nil
        }
    }

    /// Runs the command; the process's exit status.
    func run() -> Int32 {
        switch self {
        case .version:
            print(ChronyvisorVersion.line)
            return 0
        case .health(let live):
            do {
                return try HealthCheck.run(source: SettingsSource(environment: ProcessEnvironment.current),
                                           live: live, timeout: HealthCommand.defaultTimeout)
            } catch {
                return CommandFailure.report(error)
            }
        }
    }
}
