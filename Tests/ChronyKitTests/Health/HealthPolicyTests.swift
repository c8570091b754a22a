import Foundation
import Testing
@testable import ChronyKit

/// Health policy scenarios built from real reports captured from chronyd 4.3 on loopback
/// (scripts/capture-health-fixtures.sh); where a state cannot be produced without moving a
/// clock (falsetickers, large offsets), a captured report is edited and the test says so.
@Suite struct HealthPolicyTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/health")

    /// The captured tracking + sources + sourcestats of `state`.
    static func reports(_ state: String) throws -> ReportSet {
        func lines(_ report: String) throws -> [Substring] {
            try String(contentsOf: fixtures.appendingPathComponent("\(state).\(report).csv"), encoding: .utf8)
                .split(separator: "\n")
        }
        let tracking = try TrackingReport.parse(csv: try #require(try lines("tracking").first))
        let sources = try lines("sources").enumerated().map { try SourceReport.parse(csv: $0.element, lineNumber: $0.offset + 1) }
        return ReportSet(tracking: tracking, sources: sources)
    }

    static let relay = HealthPolicy(role: .relay, minSources: 1, localStratum: nil, thresholds: HealthThresholds())
    static let relayWithLocal = HealthPolicy(role: .relay, minSources: 1, localStratum: 10, thresholds: HealthThresholds())
    static let gateway = HealthPolicy(role: .gateway, minSources: 2, localStratum: nil, thresholds: HealthThresholds())

    static func snapshot(_ reports: ReportSet?, running: Bool? = true, since: Double? = 600,
                         served: ServedTimeCheck? = nil) -> HealthSnapshot {
        HealthSnapshot(chronydRunning: running, reports: reports, unreachableReason: reports == nil ? "506 Cannot talk to daemon" : nil,
                       secondsSinceStart: since, servedTime: served)
    }

    struct Scenario: Sendable, CustomStringConvertible {
        let description: String
        let policy: HealthPolicy
        let snapshot: @Sendable () throws -> HealthSnapshot
        let state: HealthState
        let live: Bool
        /// Words every expected reason set contains.
        let mentions: [String]
    }

    /// Marks one captured source as a falseticker (cannot be produced here without moving a
    /// clock: every chronyd on this machine reads the same kernel clock).
    static func withFalsetickers(_ reports: ReportSet, _ names: Set<String>) -> ReportSet {
        var edited = reports
        edited.sources = reports.sources?.map { source in
            var s = source
            if names.contains(s.name) { s.state = .falseticker }
            return s
        }
        return edited
    }

    static let scenarios: [Scenario] = [
        Scenario(description: "relay synchronised", policy: relay,
                 snapshot: { snapshot(try reports("relay-synchronised")) }, state: .healthy, live: true, mentions: ["synchronised to 127.0.0.73"]),
        Scenario(description: "relay answering but Not synchronised (the classic false-healthy)", policy: relay,
                 snapshot: { snapshot(try reports("gateway-unsynchronised")) }, state: .unhealthy, live: true, mentions: ["not synchronised", "leap status Not synchronised"]),
        Scenario(description: "relay not yet synchronised within the start grace", policy: relay,
                 snapshot: { snapshot(try reports("gateway-unsynchronised"), since: 5) }, state: .starting, live: true, mentions: ["not synchronised"]),
        Scenario(description: "relay serving only its local clock", policy: relayWithLocal,
                 snapshot: { snapshot(try reports("relay-local-clock-only")) }, state: .degraded, live: true, mentions: ["local clock at stratum 10"]),
        Scenario(description: "relay whose upstreams stopped answering, coasting", policy: relay,
                 snapshot: { snapshot(try reports("gateway-all-relays-down")) }, state: .degraded, live: true, mentions: ["coasting"]),
        Scenario(description: "relay estimated error above the thresholds (thresholds lowered)",
                 policy: HealthPolicy(role: .relay, minSources: 1, localStratum: nil,
                                      thresholds: HealthThresholds(maxOffset: 1e-9, maxRootDistance: 1e-9, startGrace: 60)),
                 snapshot: { snapshot(try reports("relay-synchronised")) }, state: .degraded, live: true, mentions: ["estimated error"]),
        Scenario(description: "relay with chronyd not running", policy: relay,
                 snapshot: { snapshot(nil, running: false) }, state: .unhealthy, live: false, mentions: ["not running"]),
        Scenario(description: "relay with chronyd not answering after the grace", policy: relay,
                 snapshot: { snapshot(nil) }, state: .unhealthy, live: false, mentions: ["does not answer", "506"]),
        Scenario(description: "relay with chronyd not answering yet, within the grace", policy: relay,
                 snapshot: { snapshot(nil, since: 1) }, state: .starting, live: false, mentions: ["does not answer"]),
        Scenario(description: "gateway with three relays", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-synchronised")) }, state: .healthy, live: true, mentions: ["3 of 3 sources reachable"]),
        Scenario(description: "gateway with one relay stopped (two of three remain)", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-one-relay-down")) }, state: .healthy, live: true, mentions: ["2 of 3 sources reachable"]),
        Scenario(description: "gateway with two relays stopped (below NTP_MIN_SOURCES)", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-two-relays-down")) }, state: .unhealthy, live: true, mentions: ["only 1 of 3 relays", "NTP_MIN_SOURCES is 2"]),
        Scenario(description: "gateway with all relays unreachable", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-all-relays-down")) }, state: .unhealthy, live: true, mentions: ["only 0 of 3 relays"]),
        Scenario(description: "gateway with two relays stopped but NTP_MIN_SOURCES=1",
                 policy: HealthPolicy(role: .gateway, minSources: 1, localStratum: nil, thresholds: HealthThresholds()),
                 snapshot: { snapshot(try reports("gateway-two-relays-down")) }, state: .healthy, live: true, mentions: ["1 of 3 sources reachable"]),
        Scenario(description: "gateway answering but Not synchronised after the grace", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-unsynchronised")) }, state: .unhealthy, live: true, mentions: ["not synchronised"]),
        Scenario(description: "gateway not yet synchronised within the grace", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-unsynchronised"), since: 3) }, state: .starting, live: true, mentions: ["not synchronised"]),
        Scenario(description: "gateway with one falseticker among three (edited capture)", policy: gateway,
                 snapshot: { snapshot(withFalsetickers(try reports("gateway-synchronised"), ["127.0.0.63"])) },
                 state: .degraded, live: true, mentions: ["falseticker: 127.0.0.63"]),
        Scenario(description: "gateway with two falsetickers among three (edited capture)", policy: gateway,
                 snapshot: { snapshot(withFalsetickers(try reports("gateway-synchronised"), ["127.0.0.62", "127.0.0.63"])) },
                 state: .unhealthy, live: true, mentions: ["falsetickers: 127.0.0.62, 127.0.0.63", "only 1 of 3"]),
        Scenario(description: "gateway offset above the threshold (threshold lowered)",
                 policy: HealthPolicy(role: .gateway, minSources: 2, localStratum: nil,
                                      thresholds: HealthThresholds(maxOffset: 1e-7, maxRootDistance: 1, startGrace: 60)),
                 snapshot: { snapshot(try reports("gateway-synchronised")) }, state: .unhealthy, live: true, mentions: ["offset", "exceeds"]),
        Scenario(description: "gateway root distance above the threshold (threshold lowered)",
                 policy: HealthPolicy(role: .gateway, minSources: 2, localStratum: nil,
                                      thresholds: HealthThresholds(maxOffset: 1, maxRootDistance: 1e-6, startGrace: 60)),
                 snapshot: { snapshot(try reports("gateway-synchronised")) }, state: .unhealthy, live: true, mentions: ["root distance", "exceeds"]),
        Scenario(description: "gateway whose own port gives no answer", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-synchronised"), served: .failed("no answer within 1 s")) },
                 state: .unhealthy, live: true, mentions: ["serves no usable time", "no answer"]),
        Scenario(description: "gateway whose own port answers unsynchronised (leap 3)", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-synchronised"), served: .answered(stratum: 16, leap: 3)) },
                 state: .unhealthy, live: true, mentions: ["answers unsynchronised"]),
        Scenario(description: "gateway whose own port answers with stratum 2", policy: gateway,
                 snapshot: { snapshot(try reports("gateway-synchronised"), served: .answered(stratum: 2, leap: 0)) },
                 state: .healthy, live: true, mentions: ["synchronised to 127.0.0.61"]),
        Scenario(description: "gateway with chronyd not running", policy: gateway,
                 snapshot: { snapshot(nil, running: false) }, state: .unhealthy, live: false, mentions: ["not running"]),
    ]

    @Test func atLeastTwentyScenarios() {
        #expect(Self.scenarios.count >= 20)
    }

    @Test(arguments: scenarios)
    func scenario(_ s: Scenario) throws {
        let verdict = s.policy.evaluate(try s.snapshot())
        #expect(verdict.state == s.state, "\(verdict.summary)")
        #expect(verdict.live == s.live)
        for word in s.mentions {
            #expect(verdict.summary.contains(word), "\(verdict.summary) should mention \(word)")
        }
        #expect(!verdict.summary.contains("\n"))
    }

    @Test func degradedIsReadyOnlyWhenAllowed() throws {
        let verdict = Self.relayWithLocal.evaluate(Self.snapshot(try Self.reports("relay-local-clock-only")))
        #expect(verdict.state == .degraded)
        #expect(Readiness(degradedIsReady: true).isReady(verdict))
        #expect(!Readiness(degradedIsReady: false).isReady(verdict))
    }
}
