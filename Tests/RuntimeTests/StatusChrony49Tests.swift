import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor status REPORT --from FILE` (the built binary, as a user runs it) on every
/// report of the chrony 4.9 captures (Tests/ChronyKitTests/Fixtures/chrony-4.9, taken from a
/// real chronyd 4.9 in a Debian forky root file system by scripts/capture-fixtures-debian.sh):
/// the text is chronyc 4.9's byte for byte, and `--json` decodes to what the CSV parses to.
/// GoldenTests checks the renderer on every capture of every version; this is the command.
@Suite struct StatusChrony49Tests {
    /// One `### REPORT` section of a capture and its `### -c REPORT` twin.
    struct Pair: Sendable, CustomTestStringConvertible {
        let file: String
        let kind: ReportKind
        let human: String
        let csv: String
        var testDescription: String { "chrony-4.9/\(file) \(kind.rawValue)" }
    }

    static let directory = TestPaths.packageRoot.appendingPathComponent("Tests/ChronyKitTests/Fixtures/chrony-4.9")

    /// The sections of a capture: `### COMMAND`, its output, `rc=N` (the format of
    /// scripts/capture-fixtures.sh).
    static func sections(_ text: String) -> [String: (output: String, status: Int)] {
        var sections: [String: (output: String, status: Int)] = [:]
        var command: String?
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") {
                command = String(line.dropFirst(4)); lines = []
            } else if let current = command, line.hasPrefix("rc="), let status = Int(line.dropFirst(3)) {
                sections[current] = (lines.map { $0 + "\n" }.joined(), status); command = nil
            } else if command != nil {
                lines.append(line)
            }
        }
        return sections
    }

    /// serverstats counts every chronyc request, its own included: the capture's CSV read came
    /// after the text read and shows one command packet more (scripts/capture-fixtures.sh).
    static func asReadByTheText(_ kind: ReportKind, _ csv: String) -> String {
        guard kind == .serverstats else { return csv }
        var fields = csv.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if fields.count > 2, let count = Int(fields[2]), count > 0 { fields[2] = String(count - 1) }
        return fields.joined(separator: ",")
    }

    static func pairs() throws -> [Pair] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }.sorted()
        return try files.flatMap { file in
            let sections = Self.sections(try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
            return ReportKind.allCases.compactMap { kind -> Pair? in
                guard let human = sections[kind.rawValue], human.status == 0,
                      let csv = sections["-c " + kind.rawValue], csv.status == 0 else { return nil }
                return Pair(file: file, kind: kind, human: human.output, csv: Self.asReadByTheText(kind, csv.output))
            }
        }
    }

    @Test func everyReportIsCapturedWithData() throws {
        let pairs = try Self.pairs()
        for kind in ReportKind.allCases {
            #expect(pairs.contains { $0.kind == kind && !$0.csv.isEmpty }, "no chrony 4.9 capture of \(kind) with data")
        }
        // The states a capture must show: a falseticker, a selected and a combined source,
        // an NTS source with cookies, a client that has asked.
        let sources = pairs.filter { $0.kind == .sources }.map(\.csv).joined()
        for state in ["^,*,", "^,+,", "^,x,", "^,?,"] {
            #expect(sources.contains("\n" + state) || sources.hasPrefix(state), "no source in state \(state)")
        }
        #expect(pairs.contains { $0.kind == .authdata && $0.csv.contains(",NTS,") })
        #expect(pairs.contains { $0.kind == .clients && !$0.csv.isEmpty })
    }

    @Test(arguments: try pairs())
    func textIsChronycsByteForByte(_ pair: Pair) throws {
        let file = try Self.temporaryFile(pair.csv)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try CapturedRun.run(TestPaths.chronyvisor, arguments: ["status", pair.kind.rawValue, "--from", file], timeout: .seconds(30))
        #expect(run.status == .exited(0), "\(run.stderr)")
        #expect(run.stdout == pair.human)
    }

    @Test(arguments: try pairs())
    func jsonIsTheParsedReport(_ pair: Pair) throws {
        let file = try Self.temporaryFile(pair.csv)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try CapturedRun.run(TestPaths.chronyvisor, arguments: ["status", pair.kind.rawValue, "--from", file, "--json"], timeout: .seconds(30))
        #expect(run.status == .exited(0), "\(run.stderr)")
        let decoded = try StatusJSON.decode(ReportSet.self, from: run.stdout)
        #expect(decoded == (try ReportSet.parse(pair.kind, csv: Substring(pair.csv))))
        #expect(decoded.kinds == [pair.kind])
    }

    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("chronyvisor-status49-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

