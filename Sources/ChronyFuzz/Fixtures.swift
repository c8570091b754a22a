import ChronyKit
import FoundationEssentials

/// The repository's fixtures, found where they are when the seeds are made: chronyc captures
/// (`Tests/**/Fixtures/chrony-VERSION/*.txt`, sections headed `### COMMAND`), the health
/// fixtures (`NAME.REPORT.csv`), the conf-templates and the golden configs. Whatever
/// captures a branch adds (another chrony version) are picked up without a change here.
public struct Fixtures: Sendable {
    /// The repository's top directory.
    public let root: String

    public init(root: String = Fixtures.defaultRoot) {
        self.root = root
    }

    /// This checkout: two directories above this file's.
    public static var defaultRoot: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    /// Every capture file: `(path, text)`, sorted by path.
    public var captures: [(path: String, text: String)] {
        FileList.files(under: root + "/Tests", matching: { path in
            path.contains("/Fixtures/chrony-") && path.hasSuffix(".txt")
        }).compactMap { path in FileList.text(path).map { (path, $0) } }
    }

    /// The `chronyc -c COMMAND` outputs of every capture, per report, each with its final newline.
    public func reportOutputs(_ kind: ReportKind) -> [String] {
        var outputs: [String] = []
        for capture in captures {
            if let text = Self.sections(of: capture.text)["-c \(kind.rawValue)"] { outputs.append(text) }
        }
        for path in FileList.files(under: root + "/Tests", matching: { $0.contains("/Fixtures/health/") && $0.hasSuffix(".\(kind.rawValue).csv") }) {
            if let text = FileList.text(path) { outputs.append(text) }
        }
        return outputs
    }

    /// The `-c` sections of each capture (command without `-c ` → output).
    public var captureReports: [[String: String]] {
        captures.map { capture in
            var reports: [String: String] = [:]
            for (command, text) in Self.sections(of: capture.text) where command.hasPrefix("-c ") {
                reports[String(command.dropFirst(3))] = text
            }
            return reports
        }
    }

    /// The templates in conf-templates/ (name without `.mustache` → text).
    public var templates: [String: String] {
        var result: [String: String] = [:]
        for path in FileList.files(under: root + "/conf-templates", matching: { $0.hasSuffix(".mustache") }) {
            let name = String(path.split(separator: "/").last!.dropLast(".mustache".count))
            result[name] = FileList.text(path)
        }
        return result
    }

    /// The golden configs (rendered chrony.conf files).
    public var goldenConfigs: [String] {
        FileList.files(under: root + "/Tests", matching: { $0.contains("/Golden/") && $0.hasSuffix(".conf") })
            .compactMap(FileList.text)
    }

    /// `### COMMAND` headed sections; the `rc=N` line that ends each is dropped.
    static func sections(of text: String) -> [String: String] {
        var result: [String: String] = [:]
        var current: String?
        var lines: [Substring] = []
        func finish() {
            if let current { result[current] = lines.map { $0 + "\n" }.joined() }
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") {
                finish()
                current = String(line.dropFirst(4))
            } else if line.hasPrefix("rc=") {
                finish()
                current = nil
            } else if current != nil {
                lines.append(line)
            }
        }
        finish()
        return result
    }
}

/// Files under a directory, read as text (the fuzz tool's only file access).
enum FileList {
    static func files(under directory: String, matching: (String) -> Bool) -> [String] {
        guard let paths = try? FileManager.default.subpathsOfDirectory(atPath: directory) else { return [] }
        return paths.map { directory + "/" + $0 }.filter(matching).sorted()
    }

    static func text(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
