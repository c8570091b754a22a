import ChronyKit
import ChronyRuntime
import Foundation
import Synchronization
import Testing

/// The client against real chronyd on loopback (always -x). Every process here reads the
/// same kernel clock, so the true offset is zero.
@Suite struct ProbeChronydTests {
    @Test func twentySamplesHaveAMedianOffsetUnderAMillisecond() throws {
        let chronyd = try LocalChronyd.reference()
        let client = try NTPClient.loopback(port: chronyd.port, timeout: .seconds(2))
        var samples: [NTPSample] = []
        for _ in 0..<20 {
            let outcome = try client.exchange()
            samples.append(try #require(outcome.sample, "\(outcome)\n\(chronyd.log)"))
            #expect(outcome.dropped.isEmpty)
            usleep(20_000)
        }
        let medianOffset = try #require(SampleStatistics.spread(samples.map { abs($0.offset) })).median
        #expect(medianOffset < 1e-3)
        for sample in samples {
            #expect(sample.delay > 0)
            #expect(sample.stratum == 1)
            #expect(sample.referenceID == "127.127.1.1")
            #expect(sample.leap == .normal)
            #expect(sample.clockStep == nil)
            #expect(sample.reply.version == 4)
        }
        // The server's time is this machine's time (within the exchange).
        let now = SystemExchangeClock().realtime()
        let last = try #require(samples.last)
        #expect(abs(Double(now.nanoseconds(since: last.serverTime))) / 1e9 < 60)
    }

    @Test func aSimulatedClockStepDuringTheExchangeDoesNotReachTheSample() throws {
        // The real-time clock "jumps" +10 s between T1 and the receive: simulated by the
        // client's clock source, since a test must never step this machine's clock.
        let chronyd = try LocalChronyd.reference()
        let clock = SteppingClock(step: 10_000_000_000)
        let sample = try #require(try NTPClient.loopback(port: chronyd.port, timeout: .seconds(2), clock: clock).exchange().sample)
        // One exchange: the offset is known within half the round trip (longer on a loaded machine).
        #expect(abs(sample.offset) <= sample.delay / 2 + 1e-3, "offset \(sample.offset), delay \(sample.delay)")
        #expect(sample.delay < 1)
        #expect(sample.clockStep.map { abs($0 - 10) < 1e-3 } == true)
    }

    @Test func anUnsynchronisedChronydIsARefusal() throws {
        let chronyd = try LocalChronyd(directives: [])  // no source, no local clock
        let outcome = try NTPClient.loopback(port: chronyd.port, timeout: .seconds(2)).exchange()
        #expect(outcome.result == .refused(.unsynchronised(leap: .unsynchronised, stratum: 0),
                                           try #require(outcome.refusalPacket)))
        let run = try runChronyvisor(["probe", "127.0.0.1", "--port", String(chronyd.port), "--count", "1"])
        #expect(run.status == .exited(2), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("[1] refused: server not synchronised (leap 3, stratum 0)"))
        #expect(!run.stdout.contains("offset"))
    }

    @Test func jsonLinesFromTheCommand() throws {
        let chronyd = try LocalChronyd.reference()
        let run = try runChronyvisor(["probe", "127.0.0.1", "--port", String(chronyd.port), "--count", "3",
                                      "--interval", "0.1", "--json"])
        #expect(run.status == .exited(0), "\(run.stdout)\(run.stderr)")
        let objects = try run.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 4)
        for (index, object) in objects.prefix(3).enumerated() {
            #expect(object["type"] as? String == "sample")
            #expect(object["seq"] as? Int == index + 1)
            #expect(object["stratum"] as? Int == 1)
            #expect(object["refid"] as? String == "127.127.1.1")
            #expect(abs(object["offset"] as? Double ?? 1) < 1e-2)
            #expect((object["server_time"] as? String)?.hasSuffix("Z") == true)
        }
        let summary = objects[3]
        #expect(summary["type"] as? String == "summary")
        #expect(summary["sent"] as? Int == 3)
        #expect(summary["answered"] as? Int == 3)
        #expect(summary["lost"] as? Int == 0)
        #expect(summary["jitter"] is Double)
        #expect(summary["exit_code"] as? Int == 0)
    }

    @Test func nothingListeningIsNoAnswer() throws {
        // Never bound, on a loopback address no test fixture uses (other test runs on this
        // machine may use the same port numbers on 127.0.0.1).
        let port = TestPorts.next()
        let run = try runChronyvisor(["probe", "127.0.99.9", "--port", String(port), "--count", "2", "--interval", "0"])
        #expect(run.status == .exited(1), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("[1] unreachable: port unreachable"))
        #expect(run.stdout.contains("2 sent, 0 answered, 2 lost"))
    }

    @Test func ipv6AndHostNames() async throws {
        let chronyd = try LocalChronyd(directives: ["local stratum 1", "bindaddress ::1", "allow ::1"])
        for host in ["::1", "[::1]", "localhost", "127.0.0.1"] {
            let run = try runChronyvisor(["probe", host, "--port", String(chronyd.port), "--count", "1"])
            #expect(run.status == .exited(0), "\(host): \(run.stdout)\(run.stderr)\n\(chronyd.log)")
            #expect(run.stdout.contains("stratum 1"), "\(host): \(run.stdout)")
        }
        let sample = try await NTPClient.query(host: "::1", port: chronyd.port, timeout: .seconds(2))
        #expect(sample.stratum == 1)
        #expect(abs(sample.offset) <= sample.delay / 2 + 1e-2, "offset \(sample.offset), delay \(sample.delay)")
        let addresses = try NTPServerAddress.resolve(host: "::1", port: chronyd.port)
        #expect(addresses.map(\.numericHost) == ["::1"])
        #expect(addresses[0].family == AF_INET6)
    }

    @Test func anUnresolvableNameExitsOne() async throws {
        // An empty label: the C library rejects the name itself, so no DNS query leaves the
        // machine (checked with strace).
        let run = try runChronyvisor(["probe", "no-such..host.invalid", "--count", "1"])
        #expect(run.status == .exited(1), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.hasPrefix("chronyvisor: cannot resolve \"no-such..host.invalid\": "))
        #expect(run.stderr.split(separator: "\n").count == 1)
        await #expect(throws: NTPClientError.self) {
            try await NTPClient.query(host: "no-such..host.invalid")
        }
    }
}

extension NTPExchangeOutcome {
    var refusalPacket: NTPPacket? {
        if case .refused(_, let packet) = result { return packet }
        return nil
    }
}

/// The system clocks, except that every real-time reading after the first is `step`
/// nanoseconds ahead: a clock step between T1 and the receive, without touching the clock.
final class SteppingClock: ExchangeClock {
    private let step: Int64
    private let reads = Atomic<Int>(0)
    init(step: Int64) { self.step = step }
    func realtime() -> UnixTime {
        let time = SystemExchangeClock().realtime()
        return reads.add(1, ordering: .relaxed).oldValue == 0 ? time : time.adding(nanoseconds: step)
    }
    func monotonicNanoseconds() -> Int64 { SystemExchangeClock().monotonicNanoseconds() }
}
