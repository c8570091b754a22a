import Foundation
import Testing
@testable import ChronyKit

/// The golden chronyc captures in Tests/ChronyKitTests/Fixtures (read through #filePath):
/// sections `### COMMAND` holding what `chronyc COMMAND` printed, ending with `rc=N`.
struct FixtureFile {
    /// One `### COMMAND` section.
    struct Section {
        let command: String
        let output: String
        let status: Int
    }

    /// `chrony-4.3/client.txt`.
    let name: String
    let sections: [Section]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every fixture file, `chrony-VERSION/NAME.txt`.
    static func all() throws -> [FixtureFile] {
        let fm = FileManager.default
        var files: [FixtureFile] = []
        for version in try fm.contentsOfDirectory(atPath: directory.path).sorted() {
            let dir = directory.appendingPathComponent(version)
            for file in try fm.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".txt") {
                files.append(try FixtureFile(name: "\(version)/\(file)"))
            }
        }
        return files
    }

    init(name: String) throws {
        self.name = name
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        var sections: [Section] = []
        var command: String?
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") {
                command = String(line.dropFirst(4))
                lines = []
            } else if let current = command, line.hasPrefix("rc="), let status = Int(line.dropFirst(3)) {
                sections.append(Section(command: current, output: lines.map { $0 + "\n" }.joined(), status: status))
                command = nil
            } else if command != nil {
                lines.append(line)
            }
        }
        self.sections = sections
    }

    /// Pairs of a human section (`REPORT [ADDRESS]`) and its CSV twin (`-c REPORT [ADDRESS]`),
    /// for the reports chronyvisor renders (not chronyc's -v/-k variants).
    var pairs: [GoldenCase] {
        sections.compactMap { section in
            let words = section.command.split(separator: " ").map(String.init)
            guard let first = words.first, let kind = ReportKind(rawValue: first), section.status == 0,
                  !words.dropFirst().contains(where: { $0.hasPrefix("-") }),
                  let csv = sections.first(where: { $0.command == "-c " + section.command }) else { return nil }
            return GoldenCase(file: name, kind: kind, arguments: Array(words.dropFirst()),
                              human: section.output, csv: csv.output)
        }
    }
}

/// A human output and the CSV of the same chronyd state.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let file: String
    let kind: ReportKind
    let arguments: [String]
    let human: String
    let csv: String

    var testDescription: String { "\(file) \(([kind.rawValue] + arguments).joined(separator: " "))" }
}
