import ChronyRuntime
import Foundation
import Testing

/// `status REPORT --from FILE` (the built binary) with input an attacker or a broken pipe
/// could hand it: numbers too large for a Double, bytes that are not UTF-8, terminal escapes
/// in a source's name.
@Suite struct StatusFromHostileTests {
    static let goodSource = "^,*,127.0.0.1,1,-3,377,0,0.000000237,0.000000220,0.000003245\n"

    /// Runs `status REPORT --from FILE [--json]` on `bytes` written to a temporary file.
    static func status(_ report: String, _ bytes: [UInt8], json: Bool = false) throws -> CapturedRun {
        let directory = try makeTemporaryDirectory("status-from")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.csv")
        try Data(bytes).write(to: file)
        return try runChronyvisor(["status", report, "--from", file.path] + (json ? ["--json"] : []))
    }

    @Test(arguments: [false, true])
    func aNumberTooLargeForADoubleIsRefusedNamingTheField(json: Bool) throws {
        let nines = String(repeating: "9", count: 400)
        let line = "^,*,127.0.0.1,1,-3,377,0,\(nines),0.000000220,0.000003245\n"
        let run = try Self.status("sources", Array(line.utf8), json: json)
        #expect(run.status == .exited(65), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.hasPrefix("chronyvisor: malformed chronyc sources output, line 1: field 8 (adjusted_offset)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "printed \(run.stdout)")
    }

    @Test func nonUTF8InputIsBadData() throws {
        let run = try Self.status("sources", Array(Self.goodSource.utf8.dropLast()) + [0xFF, 0xFE, 0x0A])
        #expect(run.status == .exited(65), "\(run.stderr)")
        #expect(run.stderr.contains("is not valid chronyc output"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func terminalEscapesInANameArePrintedEscaped() throws {
        // tracking's reference name is free text: ESC [ 2 J clears the screen, BEL rings, a
        // backslash stays unambiguous.
        let tracking = "7F000001,evil\u{1B}[2J\u{07}\\x,2,1795750136.625969694,-0.000000888,-0.000000017,0.000000054,-0.014,-0.001,0.042,0.000005624,0.000000152,0.1,Normal\n"
        let text = try Self.status("tracking", Array(tracking.utf8))
        #expect(text.status == .exited(0), "\(text.stderr)")
        #expect(!text.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "raw control characters in \(text.stdout)")
        #expect(text.stdout.contains(#"Reference ID    : 7F000001 (evil\x1b[2J\x07\\x)"#), "\(text.stdout)")
        // A source's name may not hold C0 controls, but DEL and the 8-bit CSI (U+009B) pass
        // the parser: escaped too.
        let source = "^,*,evil\u{9B}2J\u{7F},1,-3,377,0,0.000000237,0.000000220,0.000003245\n"
        let sources = try Self.status("sources", Array(source.utf8))
        #expect(sources.status == .exited(0), "\(sources.stderr)")
        #expect(sources.stdout.contains(#"evil\x9b2J\x7f"#), "\(sources.stdout)")
        // JSON escapes control characters itself and keeps the name exact.
        let json = try Self.status("tracking", Array(tracking.utf8), json: true)
        #expect(json.status == .exited(0))
        #expect(json.stdout.contains(#"evil\u001b[2J\u0007\\x"#), "\(json.stdout)")
    }

    @Test func aReportIsNeverPrintedAsAnEmptyObject() throws {
        for report in ["tracking", "sources", "sourcestats", "serverstats", "activity", "ntpdata", "clients"] {
            for bytes in [[UInt8](), Array("\n".utf8), Array(",,,,\n".utf8), Array(Self.goodSource.utf8)] {
                let run = try Self.status(report, bytes, json: true)
                #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "{}", "\(report) printed {}")
                #expect(run.status == .exited(0) || run.status == .exited(65), "\(report): \(run.status) \(run.stderr)")
            }
        }
    }
}
