import Testing
@testable import ChronyKit

@Suite struct ObservationTests {
    @Test func readsTheFactsFromTrackingAndSources() throws {
        // Real `chronyc -c` output (chrony 4.6 fixture: a refclock, one selected server, one unreachable).
        var reports = try ReportSet.parse(.tracking, csv: """
            7F000001,127.0.0.1,4,1795746921.529112040,-0.000001687,-0.000000001,0.000000017,-0.001,-0.000,0.022,0.000006566,0.000000563,0.1,Normal

            """)
        try reports.parse(.sources, csv: """
            #,?,NMEA,0,4,0,4294967295,0.000000000,0.000000000,0.000000000
            ^,*,127.0.0.1,3,-3,377,1,0.000000339,0.000000338,0.000003633
            ^,?,127.0.0.2,0,4,0,4294967295,0.000000000,0.000000000,0.000000000

            """)
        #expect(Observation(reports: reports) == Observation(
            processAlive: true, answers: true, leapSynchronised: true, reference: "127.0.0.1", stratum: 4,
            selectedSource: "127.0.0.1", reachableSources: 1, sourceCount: 3))
    }

    @Test func anUnsynchronisedChronydWithAnUnnamedReference() throws {
        let reports = try ReportSet.parse(.tracking, csv: """
            00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised

            """)
        let o = Observation(reports: reports)
        #expect(!o.leapSynchronised && o.reference == "00000000" && o.stratum == 0)
        #expect(o.sourceCount == 0 && o.selectedSource == nil && o.answers)
    }
}
