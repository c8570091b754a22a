import Testing
@testable import ChronyKit

/// `HealthPolicy.decide`, the monitoring's whole decision after a poll, as a table: no clock,
/// no process. Each row is a poll (what chronyd showed) after what was announced so far,
/// and what the decision must be. The healthy and degraded reports are real chronyd 4.3
/// captures (`HealthPolicyTests.reports`).
@Suite struct PollDecisionTests {
    enum Seen: Sendable, CustomStringConvertible {
        case down, silentInGrace, silentAfterGrace, healthy, degraded

        var description: String { "\(self)" }

        func snapshot() throws -> HealthSnapshot {
            switch self {
            case .down: return HealthSnapshot(chronydRunning: false, reports: nil, secondsSinceStart: 600)
            case .silentInGrace: return HealthSnapshot(chronydRunning: true, reports: nil, secondsSinceStart: 1)
            case .silentAfterGrace: return HealthSnapshot(chronydRunning: true, reports: nil, secondsSinceStart: 600)
            case .healthy:
                return HealthSnapshot(chronydRunning: true, reports: try HealthPolicyTests.reports("relay-synchronised"),
                                      secondsSinceStart: 600)
            case .degraded:
                return HealthSnapshot(chronydRunning: true, reports: try HealthPolicyTests.reports("relay-local-clock-only"),
                                      secondsSinceStart: 600)
            }
        }
    }

    struct Row: Sendable, CustomStringConvertible {
        let description: String
        var readiness = Readiness()
        var failedServices: [String: String] = [:]
        let after: Announced
        let seen: Seen
        let state: NodeState
        let ready: Bool
        let announcement: Announcement
        /// READY=1 has been sent after this poll.
        let announcedReady: Bool
    }

    static let rows: [Row] = [
        Row(description: "a chronyd that does not answer yet is starting", after: Announced(), seen: .silentInGrace,
            state: .starting, ready: false, announcement: .status, announcedReady: false),
        Row(description: "past the grace, silence is unhealthy", after: Announced(state: .starting, statusLine: "x"),
            seen: .silentAfterGrace, state: .unhealthy, ready: false, announcement: .status, announcedReady: false),
        Row(description: "the first healthy poll sends READY=1", after: Announced(state: .starting, statusLine: "x"),
            seen: .healthy, state: .healthy, ready: true, announcement: .ready, announcedReady: true),
        Row(description: "degraded counts as ready by default", after: Announced(state: .starting),
            seen: .degraded, state: .degraded, ready: true, announcement: .ready, announcedReady: true),
        Row(description: "degraded is not ready with HEALTH_DEGRADED_OK=false", readiness: Readiness(degradedIsReady: false),
            after: Announced(state: .starting), seen: .degraded, state: .degraded, ready: false, announcement: .status,
            announcedReady: false),
        Row(description: "READY=1 is sent once: a later healthy poll only updates STATUS=",
            after: Announced(state: .unhealthy, ready: true, statusLine: "x"), seen: .healthy, state: .healthy, ready: true,
            announcement: .status, announcedReady: true),
        Row(description: "READY_WHEN=running: a live chronyd is enough", readiness: Readiness(readyWhen: .running),
            after: Announced(state: .starting), seen: .degraded, state: .degraded, ready: true, announcement: .ready,
            announcedReady: true),
        Row(description: "READY_WHEN=running: a silent chronyd is not live", readiness: Readiness(readyWhen: .running),
            after: Announced(state: .down), seen: .silentInGrace, state: .starting, ready: false, announcement: .status,
            announcedReady: false),
        Row(description: "a dead chronyd is down", after: Announced(state: .healthy, ready: true, statusLine: "x"),
            seen: .down, state: .down, ready: false, announcement: .status, announcedReady: true),
        Row(description: "stopping is never left, and never announces READY=1", after: Announced(state: .stopping, statusLine: "stopping"),
            seen: .healthy, state: .stopping, ready: true, announcement: .none, announcedReady: false),
        Row(description: "a failed service makes a healthy node degraded", failedServices: ["http": "bind failed"],
            after: Announced(state: .starting), seen: .healthy, state: .degraded, ready: true, announcement: .ready,
            announcedReady: true),
    ]

    @Test(arguments: rows) func decides(_ row: Row) throws {
        let policy = HealthPolicy(role: .relay, minSources: 1, localStratum: 10, thresholds: HealthThresholds(),
                                  readiness: row.readiness)
        let (outcome, next) = policy.decide(try row.seen.snapshot(), failedServices: row.failedServices, after: row.after)
        #expect(outcome.previous == row.after.state)
        #expect(outcome.state == row.state)
        #expect(outcome.ready == row.ready)
        #expect(outcome.announcement == row.announcement)
        #expect(next.ready == row.announcedReady)
        #expect(outcome.recordsVerdict == (row.state != .stopping))
        if row.announcement == .none {
            #expect(next == row.after, "nothing announced, nothing remembered")
        } else {
            #expect(next.state == row.state && next.statusLine == outcome.summary)
        }
    }

    /// The same poll twice: the second announces nothing (STATUS= only when the summary changes).
    @Test func anUnchangedPollAnnouncesNothing() throws {
        let policy = HealthPolicy(role: .relay, minSources: 1, localStratum: nil, thresholds: HealthThresholds())
        let snapshot = try Seen.healthy.snapshot()
        let (first, announced) = policy.decide(snapshot, after: Announced(state: .starting))
        #expect(first.announcement == .ready)
        let (second, again) = policy.decide(snapshot, after: announced)
        #expect(second.announcement == .none && !second.stateChanged)
        #expect(again == announced)
    }

    /// Failed services are named in the verdict, in name order.
    @Test func failedServicesAreReasonsInNameOrder() throws {
        let policy = HealthPolicy(role: .relay, minSources: 1, localStratum: nil, thresholds: HealthThresholds())
        let (outcome, _) = policy.decide(try Seen.healthy.snapshot(), failedServices: ["z": "2", "a": "1"],
                                         after: Announced(state: .healthy))
        #expect(outcome.verdict.reasons.suffix(2) == ["the a service failed: 1", "the z service failed: 2"])
        #expect(outcome.summary == outcome.verdict.summary)
    }
}
