import Foundation
import Testing
@testable import ChronyKit

/// Every fixture pair: rendering chronyc's CSV gives byte for byte what chronyc printed for
/// the same state, and the reports survive a JSON round trip.
@Suite struct GoldenTests {
    /// Values that moved between the two reads of a shared 4.6 capture (taken without the
    /// two-sided check scripts/capture-fixtures.sh does): only this line may differ, by at
    /// most `tolerance` in its number.
    static let drift: [(file: String, kind: ReportKind, line: String, tolerance: Double)] = [
        ("chrony-4.6/client-refclock-unreachable.txt", .tracking, "Root dispersion : ", 1e-8),
    ]

    static func cases() throws -> [GoldenCase] {
        try FixtureFile.all().flatMap(\.pairs)
    }

    /// serverstats counts chronyc's own request: the human read (before the CSV one) shows
    /// one command packet fewer (see scripts/capture-fixtures.sh).
    static func adjustForRead(_ set: ReportSet) -> ReportSet {
        var set = set
        if let stats = set.serverstats, stats.commandPacketsReceived > 0 {
            set.serverstats!.commandPacketsReceived -= 1
        }
        return set
    }

    static func render(_ kind: ReportKind, _ arguments: [String], _ set: ReportSet) -> String {
        if kind == .ntpdata, let data = set.ntpdata {
            return ChronycText.ntpData(data, singleAddress: !arguments.isEmpty)
        }
        return ChronycText.render(kind, of: set) ?? ""
    }

    @Test func fixturesArePresent() throws {
        let cases = try Self.cases()
        let files = Set(cases.map(\.file))
        #expect(files.contains("chrony-4.3/client.txt"))
        #expect(files.contains("chrony-4.3/unsynchronised.txt"))
        #expect(files.contains("chrony-4.6/server-local-clients.txt"))
        // Every report is covered by at least one fixture with data in it.
        for kind in ReportKind.allCases {
            #expect(cases.contains { $0.kind == kind && !$0.csv.isEmpty }, "no fixture with \(kind) data")
        }
    }

    @Test(arguments: try cases())
    func rendersLikeChronyc(_ golden: GoldenCase) throws {
        let (file, kind, arguments, human, csv) = (golden.file, golden.kind, golden.arguments, golden.human, golden.csv)
        let set = Self.adjustForRead(try ReportSet.parse(kind, csv: Substring(csv)))
        let rendered = Self.render(kind, arguments, set)
        let drift = Self.drift.filter { $0.file == file && $0.kind == kind }
        if drift.isEmpty {
            #expect(rendered == human, "\(file) \(kind)")
            return
        }
        let got = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        let want = human.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) where g != w {
            let rule = try #require(drift.first { w.hasPrefix($0.line) }, "\(file) \(kind): \(g) != \(w)")
            #expect(g.hasPrefix(rule.line))
            let number = { (line: Substring) in Double(line.dropFirst(rule.line.count).split(separator: " ")[0]) ?? .nan }
            #expect(abs(number(g) - number(w)) <= rule.tolerance, "\(file) \(kind): \(g) != \(w)")
        }
    }

    @Test(arguments: try cases())
    func roundTripsThroughJSON(_ golden: GoldenCase) throws {
        let (file, kind, arguments, csv) = (golden.file, golden.kind, golden.arguments, golden.csv)
        let set = try ReportSet.parse(kind, csv: Substring(csv))
        let json = StatusJSON.encode(set)
        let back = try StatusJSON.decode(ReportSet.self, from: json)
        #expect(back == set, "\(file) \(kind)")
        #expect(StatusJSON.encode(back) == json)
        // Equality treats -0.0 as 0.0; the rendering shows the sign (`-0ns`), so compare it too.
        #expect(Self.render(kind, arguments, back) == Self.render(kind, arguments, set))
    }
}

/// docs/status-json.md documents every key the status JSON has.
@Suite struct StatusJSONDocumentationTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/status-json.md")

    static func keys(_ value: Any, into keys: inout Set<String>) {
        if let object = value as? [String: Any] {
            for (key, inner) in object {
                keys.insert(key)
                Self.keys(inner, into: &keys)
            }
        } else if let array = value as? [Any] {
            for inner in array { Self.keys(inner, into: &keys) }
        }
    }

    @Test func everyKeyIsDocumented() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        var keys = Set<String>()
        var everything = ReportSet()
        for golden in try FixtureFile.all().flatMap(\.pairs) where !golden.csv.isEmpty {
            try everything.parse(golden.kind, csv: Substring(golden.csv))
        }
        #expect(everything.kinds == ReportKind.allCases)
        let overview = StatusOverview(role: .relay, verdict: HealthVerdict(state: .healthy, live: true, reasons: ["x"]),
                                      tracking: everything.tracking!, sources: everything.sources!)
        for json in [StatusJSON.encode(everything), StatusJSON.encode(overview)] {
            Self.keys(try JSONSerialization.jsonObject(with: Data(json.utf8)), into: &keys)
        }
        #expect(keys.count > 60)
        for key in keys.sorted() {
            #expect(text.contains("`\(key)`"), "docs/status-json.md does not document `\(key)`")
        }
    }
}
