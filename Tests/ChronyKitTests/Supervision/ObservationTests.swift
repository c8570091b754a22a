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
            selectedSource: "127.0.0.1", reachableSources: 1, sourceCount: 2), "the refclock is no network source")
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

/// One definition of reachable: the verdict, the state machine and the reselect and refresh
/// policies agree on every source, reference clocks included.
@Suite struct ReachabilityTests {
    @Test func everyConsumerCountsAlike() throws {
        let reports = try ReportSet.parse(.sources, csv: """
            #,*,NMEA,0,4,377,1,0.000000000,0.000000000,0.000000000
            ^,+,10.0.0.2,2,4,376,1,0.000000339,0.000000338,0.000003633
            ^,?,10.0.0.3,2,4,374,1,0.000000339,0.000000338,0.000003633
            ^,+,10.0.0.4,2,4,1,1,0.000000339,0.000000338,0.000003633

            """)
        let sources = try #require(reports.sources)
        let reachable = sources.filter(\.isReachable).map(\.name)
        #expect(reachable == ["10.0.0.2", "10.0.0.4"], "a refclock is never counted; 374 missed its last two polls")
        #expect(SourceRefreshPolicy.unreachable(sources).map(\.name) == ["10.0.0.3"])
        #expect(ReselectPolicy.lostSelection(sources) == nil, "a selected refclock is not a lost network source")
        var withTracking = reports
        try withTracking.parse(.tracking, csv: """
            4E4D4541,NMEA,1,1795746921.529112040,-0.000001687,-0.000000001,0.000000017,-0.001,-0.000,0.022,0.000006566,0.000000563,0.1,Normal

            """)
        let observation = Observation(reports: withTracking)
        #expect(observation.reachableSources == 2 && observation.sourceCount == 3)
        let verdict = HealthPolicy(role: .relay, minSources: 1, localStratum: nil, thresholds: HealthThresholds())
            .evaluate(HealthSnapshot(chronydRunning: true, reports: withTracking, secondsSinceStart: 100))
        #expect(verdict.reasons.first?.hasSuffix("2 of 3 sources reachable") == true, "\(verdict.reasons)")
    }
}
