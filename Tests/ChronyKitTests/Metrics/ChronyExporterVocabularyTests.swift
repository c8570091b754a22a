import Testing
@testable import ChronyKit

/// chrony_exporter's label words and values from chronyc's CSV (the cases facebook/time's
/// chrony package and chrony's candm.h define).
@Suite struct ChronyExporterVocabularyTests {
    @Test func stateWordsFollowChronysReplyCodes() {
        // chronyc: RPY_SD_ST_SELECTED '*', NONSELECTABLE '?', FALSETICKER 'x', JITTERY '~',
        // UNSELECTED '+', SELECTABLE '-'; facebook/time names the codes 0-5 in that order.
        let words = Dictionary(uniqueKeysWithValues: SourceState.allCases.map { ($0.symbol, ChronyExporterVocabulary.state($0)) })
        #expect(words == ["*": "sync", "?": "unreach", "x": "falseticker", "~": "jittery", "+": "candidate", "-": "outlier"])
    }

    @Test func modeWords() {
        let words = Dictionary(uniqueKeysWithValues: SourceMode.allCases.map { ($0.symbol, ChronyExporterVocabulary.mode($0)) })
        #expect(words == ["^": "client", "=": "peer", "#": "reference clock"])
    }

    @Test(arguments: [
        (UInt32(0), ""),                      // unsynchronised
        (0x7F7F_0101, "7F7F0101"),            // the local clock: not printable, so hex
        (0x5050_5300, "PPS"),                 // a reference clock, NUL-padded
        (0x4E4D_4541, "NMEA"),
        (0x0047_5053, "GPS"),                 // NULs are skipped wherever they are
        (0x4750_5301, "47505301"),
    ])
    func referenceIDStrings(raw: UInt32, expected: String) {
        #expect(ChronyExporterVocabulary.referenceIDString(ReferenceID(rawValue: raw)) == expected)
    }

    @Test func reachability() {
        #expect(ChronyExporterVocabulary.reachabilityRatio(0o377) == 1)
        #expect(ChronyExporterVocabulary.reachabilityRatio(0o376) == 0.875)
        #expect(ChronyExporterVocabulary.reachabilitySuccess(0o376) == 0)
        #expect(ChronyExporterVocabulary.reachabilitySuccess(0o1) == 1)
        #expect(ChronyExporterVocabulary.reachabilityRatio(0) == 0)
    }

    @Test func pollingIntervals() {
        #expect(ChronyExporterVocabulary.powerOfTwo(6) == 64)
        #expect(ChronyExporterVocabulary.powerOfTwo(-2) == 0.25)
        #expect(ChronyExporterVocabulary.powerOfTwo(0) == 1)
    }
}
