import ChronyKit
import ChronyRuntime
import Foundation
import Testing
import TestSupport

/// `chronyvisor config` as a real process, and the real chronyd's parser on what it renders.
@Suite struct ConfigCommandTests {
    static let goldenDirectory = TestPaths.packageRoot.appendingPathComponent("Tests/ChronyKitTests/Config/Golden")

    /// Every golden file is accepted by the installed chronyd (`chronyd -x -p -f FILE`).
    @Test(arguments: GoldenCases.all.map(\.name))
    func goldenFileIsAcceptedByChronyd(name: String) throws {
        let file = Self.goldenDirectory.appendingPathComponent("\(name).conf").path
        let chronyd = try #require(Executables.find("chronyd", fallbacks: ["/usr/sbin/chronyd"]))
        let result = try CapturedRun.run(chronyd, arguments: ["-x", "-p", "-f", file], timeout: .seconds(10))
        #expect(result.status == .exited(0), "chronyd -p refused \(name): \(result.stderr)")
        // chronyd -p prints the directives it parsed: the servers and the socket are among them.
        #expect(result.stdout.contains("bindcmdaddress"))
        #expect(result.stdout.contains("server "))
    }

    /// The stand's gateway config checks from any working directory (templates built in).
    @Test func gatewayCheckFromAnyDirectory() throws {
        for directory in ["/", FileManager.default.temporaryDirectory.path] {
            let result = try runChronyvisor(["config", "--check"], environment: [
                "NTP_ROLE": "gateway", "NTP_SERVERS": "chrony-local1,chrony-local2,chrony-local3",
            ], directory: directory)
            #expect(result.status == .exited(0), "\(result.stderr)")
            #expect(result.stdout.contains("server chrony-local2 iburst"))
            #expect(result.stdout.contains("minsources 2"))
        }
    }

    /// A directive chronyd rejects (through a template override) fails the check with
    /// chronyd's own message and exit 78.
    @Test func chronydRejectionIsReported() throws {
        let templates = try makeTemporaryDirectory("templates")
        defer { try? FileManager.default.removeItem(at: templates) }
        let source = TestPaths.packageRoot.appendingPathComponent("conf-templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".mustache") {
            var text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
            if file == "common.mustache" { text += "nosuchdirective 1\n" }
            try text.write(to: templates.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        let result = try runChronyvisor(["config", "--check", "--templates", templates.path])
        #expect(result.status == .exited(78))
        #expect(result.stderr.contains("chronyd rejects the configuration"))
        #expect(result.stderr.contains("nosuchdirective"))
        #expect(result.stdout.isEmpty)
    }

    /// `--write` writes CHRONY_CONF atomically; what it writes is what `config` prints.
    @Test func writeWritesTheConfiguredFile() throws {
        let directory = try makeTemporaryDirectory("write")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("etc/chrony.conf").path
        let environment = ["NTP_ROLE": "gateway", "NTP_SERVERS": "r1,r2,r3", "CHRONY_CONF": file]
        let written = try runChronyvisor(["config", "--write"], environment: environment)
        #expect(written.status == .exited(0), "\(written.stderr)")
        let printed = try runChronyvisor(["config"], environment: environment)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == printed.stdout)
    }

    /// Each bad input: exit 78, one line on stderr naming the variable or flag, nothing on
    /// stdout, and no file written. (A NUL byte cannot reach a process through execve: those
    /// cases are covered by the pure validation tests only.)
    @Test(arguments: BadInputCases.all.filter { !$0.environment.values.contains { $0.contains("\u{0}") } })
    func badInputExits78AndWritesNothing(_ bad: BadInputCases.Case) throws {
        let directory = try makeTemporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("chrony.conf").path
        var environment = bad.environment
        environment["CHRONY_CONF"] = file
        let arguments = ["config", "--write"] + bad.flags.flatMap { ["--\($0.key)", $0.value] }
        let result = try runChronyvisor(arguments, environment: environment)
        #expect(result.status == .exited(78))
        #expect(result.stderr.hasPrefix("chronyvisor: "))
        #expect(result.stderr.contains(bad.names))
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file))
    }
}
