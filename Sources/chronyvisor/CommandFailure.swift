import ArgumentParser
import ChronyKit
import ChronyRuntime

/// How a command's failure reaches the user: "chronyvisor: message" on stderr, one line,
/// never a stack trace, and the error's exit status.
enum CommandFailure {
    /// Prints `error` and returns its exit status.
    static func report(_ error: any ReportableError) -> Int32 {
        try? SystemFile.writeAll(STDERR_FILENO, Array("chronyvisor: \(error.description)\n".utf8))
        return error.exitCode
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning a `ReportableError` into `CommandFailure.report` and its exit status.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as any ReportableError {
            throw ExitCode(CommandFailure.report(error))
        }
    }
}
