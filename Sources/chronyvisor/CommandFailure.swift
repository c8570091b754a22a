import ArgumentParser
import ChronyKit
import ChronyRuntime

extension AsyncParsableCommand {
    /// Runs `body`, turning a `ReportableError` into "chronyvisor: message" on stderr and its
    /// exit status — one line, never a stack trace.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as any ReportableError {
            try? SystemFile.writeAll(STDERR_FILENO, Array("chronyvisor: \(error.description)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
