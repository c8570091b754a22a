import Testing
import TestSupport
@testable import ChronyKit

/// A seeded corpus of mutated `chronyc -c` reports (300 per report): every case is either
/// refused with a one-line error naming the report, line and field, or rendered — as text
/// with no raw control character and as JSON that is never an empty object.
@Suite struct ReportCorpusTests {
    static let casesPerReport = 300

    @Test(arguments: ReportKind.allCases)
    func mutatedReportsAreRefusedOrRenderedSafely(_ kind: ReportKind) throws {
        var corpus = MutationCorpus(seed: 0xC0FFEE ^ UInt64(kind.rawValue.utf8.count))
        let seed = try #require(MutationCorpus.goodReportLines[kind.rawValue])
        var refused = 0
        for text in corpus.reports(from: seed, count: Self.casesPerReport) {
            let set: ReportSet
            do {
                set = try ReportSet.parse(kind, csv: Substring(text))
            } catch {
                refused += 1
                #expect(!error.description.contains("\n"), "a multi-line error for \(text.debugDescription)")
                #expect(error.description.hasPrefix("malformed chronyc \(kind.rawValue) output"), "\(error)")
                continue
            }
            let rendered = ChronycText.render(kind, of: set) ?? ""
            #expect(!rendered.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) },
                    "raw control characters rendered from \(text.debugDescription)")
            let json = StatusJSON.encode(set)
            #expect(json != "{}\n" && !json.contains("\"error\""), "\(kind) from \(text.debugDescription) encoded as \(json)")
        }
        // The corpus exercises both outcomes: it would prove little if everything were refused.
        #expect(refused > Self.casesPerReport / 2 && refused < Self.casesPerReport, "\(refused) of \(Self.casesPerReport) refused")
    }
}
