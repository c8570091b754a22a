import Testing
@testable import ChronyKit

@Suite struct SourceRefreshPolicyTests {
    /// A gateway's sources after two relays were stopped and started again with new addresses
    /// (octal reach: 377 answering, 374 and 200 missed their last two polls); and a refclock.
    let sources = try! ReportSet.parse(.sources, csv: """
        ^,*,10.89.0.24,2,1,377,0,0.000000092,0.000000092,0.000065000
        ^,?,10.89.0.25,2,1,374,6,0.000000137,0.000000427,0.000057000
        ^,?,10.89.0.23,2,1,200,14,0.000000986,0.000000986,0.000050000
        #,?,NMEA,0,4,0,4294967295,0.000000000,0.000000000,0.000000000

        """).sources!

    @Test func dueWhenAServerMissedItsLastTwoPollsAndNoRefreshYet() {
        let policy = SourceRefreshPolicy()
        #expect(SourceRefreshPolicy.unreachable(sources).map(\.name) == ["10.89.0.25", "10.89.0.23"])
        #expect(policy.isDue(sources: sources, sinceLastRefresh: nil))
    }

    @Test func atMostOncePerMinimumInterval() {
        let policy = SourceRefreshPolicy(minimumInterval: .seconds(16))
        #expect(!policy.isDue(sources: sources, sinceLastRefresh: .seconds(15)))
        #expect(policy.isDue(sources: sources, sinceLastRefresh: .seconds(16)))
    }

    @Test func notDueWhileEveryServerAnsweredOneOfItsLastTwoPolls() {
        // 376: missed only the last poll (one lost packet is tolerated); the refclock never counts.
        let answering = sources.map { s -> SourceReport in
            var s = s
            if s.mode != .referenceClock { s.reach = s.name == "10.89.0.23" ? 0o376 : 0o377 }
            return s
        }
        #expect(!SourceRefreshPolicy().isDue(sources: answering, sinceLastRefresh: nil))
        #expect(!SourceRefreshPolicy().isDue(sources: [], sinceLastRefresh: nil))
    }

    @Test func onlySettingsThatNameASourceByHostName() throws {
        let named = try ChronySettings.resolve(SettingsSource(environment: [
            "NTP_ROLE": "gateway", "NTP_SERVERS": "chrony-local1,10.0.0.2,[fd00::1]:123"]))
        let addresses = try ChronySettings.resolve(SettingsSource(environment: [
            "NTP_ROLE": "gateway", "NTP_SERVERS": "10.0.0.1,10.0.0.2:124,fd00::1"]))
        #expect(SourceRefreshPolicy.applies(to: named))
        #expect(!SourceRefreshPolicy.applies(to: addresses))
    }
}
