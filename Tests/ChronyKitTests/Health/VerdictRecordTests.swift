import Testing
@testable import ChronyKit

@Suite struct VerdictRecordTests {
    static let degraded = VerdictRecord(
        pid: 42, writtenAt: 1_000_000_000_000, staleAfter: 12_000_000_000,
        verdict: HealthVerdict(state: .degraded, live: true, reasons: ["serving its local clock at stratum 8", "1 of 3 reachable"]),
        ready: false)

    @Test func roundTripsThroughItsText() throws {
        let text = Self.degraded.text
        #expect(text.hasPrefix("chronyvisor-verdict 1\npid 42\n"))
        #expect(text.hasSuffix("reason 1 of 3 reachable\n"))
        #expect(VerdictRecord.parse(text) == Self.degraded)
    }

    @Test func answersAsTheEndpointsDo() {
        let ready = Self.degraded.answer(liveness: false)
        #expect(ready.state == .degraded)
        #expect(!ready.ready, "the writer's HEALTH_DEGRADED_OK said not ready")
        #expect(ready.summary == "degraded: serving its local clock at stratum 8; 1 of 3 reachable")
        #expect(ready.summary == Self.degraded.verdict.summary)
        let live = Self.degraded.answer(liveness: true)
        #expect(live.ready, "/healthz: ready means chronyd answers")
        #expect(live.summary == ready.summary)
    }

    @Test func aReasonWithALineBreakStaysOneReason() throws {
        var record = Self.degraded
        record.verdict.reasons = ["chronyc said:\nsomething\r\nelse"]
        let parsed = try #require(VerdictRecord.parse(record.text))
        #expect(parsed.verdict.reasons == ["chronyc said: something else"])
    }

    @Test func freshOnlyWithinItsAgeAndNeverFromTheFuture() {
        let written = Self.degraded.writtenAt
        #expect(Self.degraded.isFresh(now: written))
        #expect(Self.degraded.isFresh(now: written + 12_000_000_000))
        #expect(!Self.degraded.isFresh(now: written + 12_000_000_001))
        // A record from before a reboot: the monotonic clock started again below it.
        #expect(!Self.degraded.isFresh(now: written - 1))
    }

    /// The file can say anything about when it was written: `health` compares it with the
    /// monotonic clock without trapping (`written -9223372036854775808` once overflowed the
    /// age and crashed `health`; the verdict-record fuzz target checks every reading).
    @Test(arguments: [Int64.min, Int64.min + 1, -1, 0, Int64.max])
    func freshnessIsDecidedForAnyWrittenStamp(_ written: Int64) throws {
        let text = Self.degraded.text.replacing("written 1000000000000", with: "written \(written)")
        let record = try #require(VerdictRecord.parse(text))
        for now in [Int64.min, -1, 0, 1, 1_000_000_000_000, Int64.max] {
            // The age in Double: exact enough here, and it cannot overflow.
            let fresh = now >= written && Double(now) - Double(written) <= 12_000_000_000
            #expect(record.isFresh(now: now) == fresh, "written \(written), now \(now)")
        }
    }

    @Test(arguments: [
        "",                                                       // empty
        "chronyvisor-verdict 2\npid 1\n",                         // another format version
        String(degraded.text.dropLast()),                         // torn: no final line break
        String(degraded.text.prefix(40)),                         // torn mid-way
        degraded.text.replacing("state degraded", with: "state fine"),
        degraded.text.replacing("pid 42", with: "pid 0"),
        degraded.text.replacing("pid 42", with: "pid -3"),
        degraded.text.replacing("live true", with: "live yes"),
        degraded.text.replacing("written 1000000000000", with: "written soon"),
        degraded.text.replacing("ready false\n", with: ""),  // a field missing
        degraded.text + "colour blue\n",                           // an unknown field
        degraded.text + "novalue\n",                               // a line without a value
    ])
    func refusesAnythingButAWholeRecord(_ text: String) {
        #expect(VerdictRecord.parse(text) == nil, "\(text.debugDescription)")
    }
}
