import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `chronyvisor-loadgen` (the capacity benchmark's client crowd) against a real chronyd on
/// loopback (-x), a fake server that only sends bad replies (the one mock: chronyd cannot be
/// made to answer wrongly), and a port where nothing listens. Rates are low: these check the
/// counting, not the machine's speed.
@Suite struct LoadGeneratorTests {
    /// Runs the load generator with `arguments` and `--json`; its report as a dictionary.
    private func load(_ arguments: [String]) throws -> [String: Any] {
        let run = try CapturedRun.run(TestPaths.loadGenerator, arguments: arguments + ["--json"], timeout: .seconds(60))
        #expect(run.status == .exited(0), "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(run.stdout)")
    }

    private func count(_ report: [String: Any], _ key: String) -> Int { (report[key] as? NSNumber)?.intValue ?? -1 }

    @Test func everyRequestToChronydIsAnsweredFromDistinctSources() throws {
        let chronyd = try LocalChronyd.reference()
        let report = try load(["127.0.0.1:\(chronyd.port)", "--rate", "400", "--duration", "1",
                               "--clients", "16", "--source-base", "127.0.7.1", "--source-count", "4",
                               "--timeout", "3"])
        #expect(count(report, "sent") == 400)
        #expect(count(report, "answered") == 400, "\(report)\n\(chronyd.log)")
        #expect(count(report, "lost") == 0)
        #expect(count(report, "invalid") == 0)
        #expect(count(report, "duplicates") == 0)
        let p50 = try #require(report["latency_p50_us"] as? Double)
        let p999 = try #require(report["latency_p999_us"] as? Double)
        #expect(p50 > 0 && p50 <= p999)
        // chronyd saw four client addresses (its client log keeps one entry per address).
        let clients = try chronyd.chronyc(["-c", "clients"])
        let addresses = Set(clients.stdout.split(separator: "\n").compactMap { $0.split(separator: ",").first.map(String.init) })
        #expect(addresses.isSuperset(of: ["127.0.7.1", "127.0.7.2", "127.0.7.3", "127.0.7.4"]), "\(clients.stdout)")
    }

    @Test func chronydsRateLimitShowsAsRefusedOrLost() throws {
        // ratelimit interval -4 (16/s per address), burst 4, leak 4 (1 in 16 leaks): one client address
        // offering 400/s is mostly dropped (chronyd sends a RATE kiss only sometimes). Even if
        // a loaded machine stretched the sending to 5 s, at most ~104 would be answered.
        let chronyd = try LocalChronyd(directives: ["local stratum 1", "ratelimit interval -4 burst 4 leak 4"])
        let report = try load(["127.0.0.1:\(chronyd.port)", "--rate", "400", "--duration", "1",
                               "--clients", "4", "--timeout", "1"])
        #expect(count(report, "sent") == 400)
        #expect(count(report, "answered") < 200, "\(report)")
        #expect(count(report, "refused") + count(report, "lost") > 200)
    }

    @Test func badRepliesAreCountedInvalidNotAnswered() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.originTime = NTPTimestamp(rawValue: 42) },
             FakeNTPServer.reply(to: request) { $0.mode = .broadcast }]
        }
        defer { server.stop() }
        let report = try load(["127.0.0.1:\(server.port)", "--rate", "50", "--duration", "1",
                               "--clients", "2", "--timeout", "0.5"])
        #expect(count(report, "sent") == 50)
        #expect(count(report, "answered") == 0)
        #expect(count(report, "invalid") == 2 * server.requests, "\(report)")
        #expect(count(report, "lost") == 50)
    }

    @Test func aSilentPortLosesEverything() throws {
        let silent = try UDPSilentSocket()
        defer { silent.close() }
        let report = try load(["127.0.0.1:\(silent.port)", "--rate", "100", "--duration", "0.5",
                               "--timeout", "0.2"])
        #expect(count(report, "sent") == 50)
        #expect(count(report, "answered") == 0)
        #expect(count(report, "lost") == 50)
        #expect(report["latency_p50_us"] is NSNull)
    }

    @Test func badArgumentsExit64NamingTheArgument() throws {
        for (arguments, named) in [(["localhost:123"], "target 'localhost:123'"), (["127.0.0.1", "--rate", "0"], "--rate"),
                                   (["127.0.0.1", "--source-count", "3"], "--source-count"),
                                   (["127.0.0.1", "--clients", "99999"], "--clients")] {
            let run = try CapturedRun.run(TestPaths.loadGenerator, arguments: arguments, timeout: .seconds(20))
            #expect(run.status == .exited(64), "\(arguments): \(run.status)")
            #expect(run.stderr.contains(named), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }
}

/// A bound UDP socket on 127.0.0.1 that never reads or answers.
private struct UDPSilentSocket {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound else { throw TimedOut(what: "a silent UDP socket could bind 127.0.0.1") }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    func close() { Glibc.close(fd) }
}
