import Foundation
import Testing
@testable import ChronyKit

/// A pending leap second in the verdict and the status overview. chronyd announces a leap
/// second only when its raw clock is on 30 June or 31 December (DESIGN.md), so no chronyd here
/// can be made to: the tracking report is a real capture with its leap status field edited
/// to what chronyd prints then ("Insert second" / "Delete second"), parsed from CSV.
@Suite struct LeapPendingTests {
    static func tracking(_ leap: String) throws -> ReportSet {
        var reports = try HealthPolicyTests.reports("gateway-synchronised")
        let line = "7F00003D,127.0.0.61,2,1795750352.336413056,-0.000001440,-0.000000207,0.000000664,0.035,-0.007,0.363,0.000007854,0.000002748,0.5,\(leap)"
        reports.tracking = try TrackingReport.parse(csv: Substring(line))
        return reports
    }

    @Test(arguments: [("Insert second", "inserted", "insert"), ("Delete second", "deleted", "delete")])
    func pendingLeapSecondIsAReasonNotAFault(_ leap: String, _ word: String, _ json: String) throws {
        let reports = try Self.tracking(leap)
        let verdict = ReselectionTests.gateway.evaluate(HealthSnapshot(chronydRunning: true, reports: reports, secondsSinceStart: 600))
        #expect(verdict.state == .healthy, "\(verdict.summary)")
        #expect(verdict.summary.hasPrefix("healthy: synchronised to 127.0.0.61"))
        #expect(verdict.summary.contains("leap second pending: a second will be \(word) at the end of this UTC day"))

        var overview = StatusOverview(role: .gateway, verdict: verdict, tracking: try #require(reports.tracking),
                                      sources: try #require(reports.sources))
        #expect(overview.text.contains("\nLeap second     : pending: a second will be \(word) at the end of this UTC day"))
        #expect(overview.text.contains("\nLeap status     : \(leap)\n"), "chronyc's own tracking block, unchanged")
        overview.warnings = ["only 1 upstream server (x): a falseticker cannot be detected with fewer than 3"]
        overview.leapSecondsList = LeapSecondsListStatus(.read(path: "/l", expires: 1_782_604_800), now: 1_700_000_000)
        #expect(overview.text.contains("\nWarning         : only 1 upstream server (x)"))
        #expect(overview.text.contains("\nLeap list       : expires 2026-06-28 (/l)\n"))
        let decoded = try StatusJSON.decode(StatusOverview.self, from: StatusJSON.encode(overview))
        #expect(decoded == overview)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(StatusJSON.encode(overview).utf8)) as? [String: Any])
        #expect(object["leap_second_pending"] as? String == json)
        #expect((object["leap_seconds_list"] as? [String: Any])?["expires"] as? Int == 1_782_604_800)
    }

    @Test func normalHasNoLeapLines() throws {
        let reports = try Self.tracking("Normal")
        let verdict = ReselectionTests.gateway.evaluate(HealthSnapshot(chronydRunning: true, reports: reports, secondsSinceStart: 600))
        #expect(!verdict.summary.contains("leap"))
        let overview = StatusOverview(role: .gateway, verdict: verdict, tracking: try #require(reports.tracking),
                                      sources: try #require(reports.sources))
        #expect(!overview.text.contains("Leap second     :"))
        #expect(overview.leapSecondPending == nil)
    }
}
