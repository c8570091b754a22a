import ChronyRuntime
import Foundation
import Testing
import TestSupport

/// Part of the seeded corpora (see ChronyKitTests/Corpus for the full few hundred per kind,
/// in process) through the built binary: `status REPORT --from FILE` with mutated reports
/// and raw bytes, `config --check` with mutated settings (chronyd's own parser reads what is
/// accepted). Exit statuses are only 0, 65 or 78, an error is one line, nothing crashes.
/// The runs happen on a thread of their own (`offPool`): they block for a while.
@Suite struct CommandCorpusTests {
    @Test func mutatedReportsThroughStatusFrom() async throws {
        let problems = try await offPool { try Self.statusFromProblems() }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func mutatedSettingsThroughConfigCheck() async throws {
        let problems = try await offPool { try Self.configCheckProblems() }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    static func statusFromProblems() throws -> [String] {
        let directory = try makeTemporaryDirectory("corpus")
        defer { try? FileManager.default.removeItem(at: directory) }
        var corpus = MutationCorpus(seed: 0xBAD_F00D)
        var generator = MutationCorpus.SeededGenerator(seed: 7)
        var problems: [String] = []
        var outcomes: Set<String> = []
        for (index, kind) in MutationCorpus.goodReportLines.keys.sorted().enumerated() {
            let line = MutationCorpus.goodReportLines[kind]!
            var inputs = corpus.reports(from: line, count: 8).map { Array($0.utf8) }
            // Raw bytes: not UTF-8, a binary run.
            inputs.append(Array(line.utf8) + [0xC3, 0x28, 0x0A])
            inputs.append((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
            for (number, bytes) in inputs.enumerated() {
                let file = directory.appendingPathComponent("\(index)-\(number).csv")
                try Data(bytes).write(to: file)
                for json in [false, true] {
                    let run = try runChronyvisor(["status", kind, "--from", file.path] + (json ? ["--json"] : []))
                    let what = "\(kind) case \(number) json=\(json)"
                    outcomes.insert("\(run.status)")
                    switch run.status {
                    case .exited(65):
                        if !run.stdout.isEmpty { problems.append("\(what): refused but printed \(run.stdout)") }
                        if run.stderr.split(separator: "\n").count != 1 || !run.stderr.hasPrefix("chronyvisor: ") {
                            problems.append("\(what): not one error line: \(run.stderr)")
                        }
                    case .exited(0):
                        if run.stdout == "{}\n" { problems.append("\(what): printed {}") }
                        if run.stdout.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
                            problems.append("\(what): raw control characters in \(run.stdout.debugDescription)")
                        }
                    default:
                        problems.append("\(what): \(run.status) \(run.stderr)")
                    }
                }
            }
        }
        if outcomes != ["exited with status 0", "exited with status 65"] && outcomes.count < 2 {
            problems.append("the corpus exercised only \(outcomes)")
        }
        return problems
    }

    static func configCheckProblems() throws -> [String] {
        var corpus = MutationCorpus(seed: 0xC0F1_6C4E)
        var problems: [String] = []
        var accepted = 0
        for item in corpus.settings(count: 60) {
            let environment = MutationCorpus.goodSettings.merging([item.name: item.value]) { $1 }
            let run = try runChronyvisor(["config", "--check"], environment: environment)
            switch run.status {
            case .exited(78):
                if !run.stdout.isEmpty { problems.append("\(item): refused but printed") }
                if run.stderr.split(separator: "\n").count != 1 || !run.stderr.hasPrefix("chronyvisor: ") {
                    problems.append("\(item): not one error line: \(run.stderr)")
                }
            case .exited(0):
                accepted += 1
                if !run.stdout.contains("\nconfdir ") { problems.append("\(item): no config printed") }
            default:
                problems.append("\(item): \(run.status) \(run.stderr)")
            }
        }
        if accepted == 0 || accepted == 60 { problems.append("\(accepted) of 60 accepted: the corpus proves little") }
        return problems
    }
}
