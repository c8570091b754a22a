import ChronyRuntime
import Foundation
import Testing
import TestSupport

/// Part of the seeded corpora (see ChronyKitTests/Corpus for the full few hundred per kind,
/// in process) through the built binary: `status REPORT --from FILE` with mutated reports
/// and raw bytes, `config --check` with mutated settings (chronyd's own parser reads what is
/// accepted). Exit statuses are only 0, 65 or 78, an error is one line, nothing crashes.
@Suite struct CommandCorpusTests {
    @Test func mutatedReportsThroughStatusFrom() throws {
        let directory = try makeTemporaryDirectory("corpus")
        defer { try? FileManager.default.removeItem(at: directory) }
        var corpus = MutationCorpus(seed: 0xBAD_F00D)
        var generator = MutationCorpus.SeededGenerator(seed: 7)
        for (index, kind) in MutationCorpus.goodReportLines.keys.sorted().enumerated() {
            let line = MutationCorpus.goodReportLines[kind]!
            var inputs = corpus.reports(from: line, count: 8).map { Array($0.utf8) }
            // Raw bytes: not UTF-8, NULs, a long binary run.
            inputs.append(Array(line.utf8) + [0xC3, 0x28, 0x0A])
            inputs.append((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
            for (number, bytes) in inputs.enumerated() {
                let file = directory.appendingPathComponent("\(index)-\(number).csv")
                try Data(bytes).write(to: file)
                for json in [false, true] {
                    let run = try runChronyvisor(["status", kind, "--from", file.path] + (json ? ["--json"] : []))
                    let what = "\(kind) \(file.lastPathComponent) json=\(json)"
                    #expect(run.status == .exited(0) || run.status == .exited(65), "\(what): \(run.status) \(run.stderr)")
                    if run.status == .exited(65) {
                        #expect(run.stdout.isEmpty, "\(what) printed \(run.stdout)")
                        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.hasPrefix("chronyvisor: "), "\(what): \(run.stderr)")
                    } else {
                        #expect(run.stdout != "{}\n", "\(what) printed {}")
                        #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(what): raw control characters")
                    }
                }
            }
        }
    }

    @Test func mutatedSettingsThroughConfigCheck() throws {
        var corpus = MutationCorpus(seed: 0xC0F1_6C4E)
        for item in corpus.settings(count: 60) {
            let environment = MutationCorpus.goodSettings.merging([item.name: item.value]) { $1 }
            let run = try runChronyvisor(["config", "--check"], environment: environment)
            #expect(run.status == .exited(0) || run.status == .exited(78), "\(item): \(run.status) \(run.stderr)")
            if run.status == .exited(78) {
                #expect(run.stdout.isEmpty)
                #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.hasPrefix("chronyvisor: "), "\(item): \(run.stderr)")
            } else {
                #expect(run.stdout.contains("\nconfdir "), "\(item): \(run.stdout)")
            }
        }
    }
}
