import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// Templates from CHRONYVISOR_TEMPLATES (or --templates), through the real binary: an
/// override is used, and a malformed one stops `config --write` with exit 78 and one line
/// naming the template file, the line and what was expected, writing nothing.
@Suite struct TemplateOverrideTests {
    /// A copy of conf-templates/ with `edit` applied to the named template.
    func templates(editing name: String, _ edit: (String) -> String) throws -> URL {
        let directory = try makeTemporaryDirectory("templates")
        let source = TestPaths.packageRoot.appendingPathComponent("conf-templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
            try (file == "\(name).mustache" ? edit(text) : text)
                .write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func environmentOverrideIsRendered() throws {
        let directory = try templates(editing: "common") { $0 + "# site: {{{role}}} on {{{port}}}\n" }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runChronyvisor(["config"], environment: ["CHRONYVISOR_TEMPLATES": directory.path, "NTP_PORT": "1123"])
        #expect(result.status == .exited(0), "\(result.stderr)")
        #expect(result.stdout.hasSuffix("# site: relay on 1123\n"))
    }

    @Test(arguments: [
        // template, text appended, line of that text the error is on, what the error expects
        ("relay.conf", "{{#servers}}\nserver {{{host}}\n{{/servers}}", 2, "expected '}}}' to close the '{{{' opened here"),
        ("serving", "{{#allowAll}}\nallow all\n", 1, "expected '{{/allowAll}}' to close the section opened here"),
        ("header", "{{#given}}\n{{/giveN}}", 2, "expected '{{/given}}' to close the section opened on line"),
        ("common", "{{> nosuch}}", 1, "expected a template of the set after '{{>'"),
    ] as [(String, String, Int, String)])
    func malformedTemplateExits78AndWritesNothing(name: String, broken: String, lineInBroken: Int, expected: String) throws {
        var linesBefore = 0
        let directory = try templates(editing: name) { text in
            let before = "# first line\n" + text + "\n"
            linesBefore = before.filter { $0 == "\n" }.count
            return before + broken + "\n"
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let brokenLine = linesBefore + lineInBroken
        let output = try makeTemporaryDirectory("out")
        defer { try? FileManager.default.removeItem(at: output) }
        let file = output.appendingPathComponent("chrony.conf").path
        let result = try runChronyvisor(["config", "--write"], environment: [
            "CHRONYVISOR_TEMPLATES": directory.path, "CHRONY_CONF": file])
        #expect(result.status == .exited(78))
        let path = directory.appendingPathComponent("\(name).mustache").path
        #expect(result.stderr.hasPrefix("chronyvisor: template \(path) line \(brokenLine): "), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test func missingDirectoryIsANamedError() throws {
        #expect(throws: TemplateError.self) { try TemplateDirectory.load("/nonexistent/templates") }
        let result = try runChronyvisor(["config"], environment: ["CHRONYVISOR_TEMPLATES": "/nonexistent/templates"])
        #expect(result.status == .exited(78))
        #expect(result.stderr.contains("/nonexistent/templates/relay.conf.mustache cannot be read"))
    }
}
