import Foundation
import Testing
@testable import ChronyKit

/// The failover window (`Reselection`) in the health policy: pure, no clock, no process. The
/// states are a real capture (gateway-synchronised: three relays on loopback, poll 2^-2 s,
/// update interval 0.5 s) edited the way chronyd looks during a failover, which loopback
/// cannot produce on demand: the selected source's `*` gone (it became `+`), the reference
/// time and the poll intervals set to the case's values, the leap status kept Normal.
@Suite struct ReselectionTests {
    static let gateway = HealthPolicy(role: .gateway, minSources: 2, localStratum: nil, thresholds: HealthThresholds())
    static let relay = HealthPolicy(role: .relay, minSources: 1, localStratum: nil, thresholds: HealthThresholds())

    /// The capture with no source selected, every source polling every 2^`poll` s, tracking's
    /// update interval `update` s, the last clock update `age` s before `now`.
    static func failover(age: Double, poll: Int = 4, update: Double = 16, now: Double = 1_800_000_000,
                         unreachable: Set<String> = [], leap: LeapStatus = .normal,
                         file: String = "gateway-synchronised") throws -> HealthSnapshot {
        var reports = try HealthPolicyTests.reports(file)
        reports.sources = reports.sources?.map { source in
            var s = source
            if s.state == .selected { s.state = .combined }
            s.poll = poll
            if unreachable.contains(s.name) { s.reach = 0o374 }
            return s
        }
        var tracking = try #require(reports.tracking)
        let referenceTime = now + tracking.systemTime - age
        tracking.referenceTime = Timestamp(seconds: Int64(referenceTime.rounded(.down)),
                                           nanoseconds: UInt32(((referenceTime - referenceTime.rounded(.down)) * 1e9).rounded(.down)))
        tracking.updateInterval = update
        tracking.leapStatus = leap
        reports.tracking = tracking
        return HealthSnapshot(chronydRunning: true, reports: reports, secondsSinceStart: 600, now: now)
    }

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let policy: HealthPolicy
        let snapshot: @Sendable () throws -> HealthSnapshot
        let state: HealthState
        let mentions: [String]
    }

    static let cases: [Case] = [
        Case(description: "gateway, selected relay lost, 3 s after the last clock update", policy: gateway,
             snapshot: { try failover(age: 3) }, state: .healthy, mentions: ["synchronised to 127.0.0.61", "reselecting", "3 s ago", "up to 64 s"]),
        Case(description: "gateway, the lost relay already unreachable, two remain (= NTP_MIN_SOURCES)", policy: gateway,
             snapshot: { try failover(age: 40, unreachable: ["127.0.0.61"]) },
             state: .healthy, mentions: ["reselecting", "40 s ago", "2 of 3 sources reachable"]),
        Case(description: "gateway, at the bound: 4 polls of 16 s", policy: gateway,
             snapshot: { try failover(age: 64) }, state: .healthy, mentions: ["reselecting"]),
        Case(description: "gateway, past the bound: not synchronised", policy: gateway,
             snapshot: { try failover(age: 65) }, state: .unhealthy,
             mentions: ["not synchronised (no source selected, last clock update 65 s ago, longer than a reselection may take (64 s))"]),
        Case(description: "gateway, the bound follows the update interval when it is the longer", policy: gateway,
             snapshot: { try failover(age: 100, poll: 2, update: 30) }, state: .healthy, mentions: ["up to 120 s"]),
        Case(description: "gateway, short polls (every 4 s): 17 s without a clock update, as seen in the stand, is forgiven",
             policy: gateway, snapshot: { try failover(age: 17, poll: 2, update: 4) }, state: .healthy, mentions: ["up to 60 s"]),
        Case(description: "gateway, short polls: the bound never falls below 60 s, and holds past it", policy: gateway,
             snapshot: { try failover(age: 61, poll: 0, update: 0.5) }, state: .unhealthy, mentions: ["longer than a reselection may take (60 s)"]),
        Case(description: "gateway, only one relay left: below NTP_MIN_SOURCES, no reselection to wait for", policy: gateway,
             snapshot: { try failover(age: 3, unreachable: ["127.0.0.61", "127.0.0.62"]) }, state: .unhealthy,
             mentions: ["not synchronised (no source selected)", "only 1 of 3 relays"]),
        Case(description: "gateway, chronyd says Not synchronised: no reselection", policy: gateway,
             snapshot: { try failover(age: 3, leap: .notSynchronised) }, state: .unhealthy, mentions: ["leap status Not synchronised"]),
        Case(description: "gateway, no clock reading: no source selected is not forgiven", policy: gateway,
             snapshot: {
                 var s = try failover(age: 3)
                 s.now = nil
                 return s
             }, state: .unhealthy, mentions: ["not synchronised (no source selected)"]),
        Case(description: "gateway, reselecting but the root distance is over the limit", policy:
                HealthPolicy(role: .gateway, minSources: 2, localStratum: nil,
                             thresholds: HealthThresholds(maxOffset: 0.1, maxRootDistance: 1e-6, startGrace: 60)),
             snapshot: { try failover(age: 3) }, state: .unhealthy, mentions: ["reselecting", "root distance"]),
        Case(description: "relay, selected upstream lost, others answer (maxpoll 10: 1024 s)", policy: relay,
             snapshot: { try failover(age: 1500, poll: 10, update: 1024, unreachable: ["127.0.0.61"]) }, state: .healthy,
             mentions: ["reselecting", "up to 4096 s"]),
        Case(description: "gateway, reselecting with a leap second announced", policy: gateway,
             snapshot: { try failover(age: 3, leap: .insertSecond) }, state: .healthy, mentions: ["reselecting", "leap second pending"]),
    ]

    @Test(arguments: cases)
    func failoverCase(_ c: Case) throws {
        let verdict = c.policy.evaluate(try c.snapshot())
        #expect(verdict.state == c.state, "\(verdict.summary)")
        for word in c.mentions {
            #expect(verdict.summary.contains(word), "\(verdict.summary) should mention \(word)")
        }
    }

    /// A selected source needs no window: the verdict of a synchronised capture is unchanged
    /// by a clock reading, however old the last update.
    @Test func aSelectedSourceIsNotAReselection() throws {
        let reports = try HealthPolicyTests.reports("gateway-synchronised")
        let verdict = Self.gateway.evaluate(HealthSnapshot(chronydRunning: true, reports: reports, secondsSinceStart: 600,
                                                           now: 4_000_000_000))
        #expect(verdict.state == .healthy)
        #expect(!verdict.summary.contains("reselecting"))
    }

    /// The window itself: the age is chronyd's time (system clock + tracking's offset) minus
    /// the reference time, and a reference time of never gives no window.
    @Test func windowArithmetic() throws {
        var tracking = try #require(try HealthPolicyTests.reports("gateway-synchronised").tracking)
        tracking.referenceTime = Timestamp(seconds: 1000, nanoseconds: 0)
        tracking.systemTime = 0.5  // the clock is half a second slow: chronyd's now is 0.5 s later
        tracking.updateInterval = 20
        let sources = try #require(try HealthPolicyTests.reports("gateway-synchronised").sources)
        let r = try #require(Reselection.evaluate(tracking: tracking, usable: sources, minSources: 2, now: 1090))
        #expect(r.sinceClockUpdate == 90.5)
        #expect(r.allowed == 80)  // 4 × max(20 s update, 0.25 s poll), above the 60 s floor
        #expect(!r.isWithinBound)
        tracking.updateInterval = 2
        let short = try #require(Reselection.evaluate(tracking: tracking, usable: sources, minSources: 2, now: 1050))
        #expect(short.allowed == Reselection.minimumAllowed)  // 4 × 2 s is below the floor
        #expect(short.isWithinBound)
        tracking.referenceTime = .epoch
        #expect(Reselection.evaluate(tracking: tracking, usable: sources, minSources: 2, now: 1010) == nil)
        #expect(Reselection.evaluate(tracking: tracking, usable: [], minSources: 1, now: 1010) == nil)
    }
}
