import ChronyKit
import ChronyRuntime
import Foundation
import Synchronization
import Testing

/// The client against a fake server that sends what a real one would not: each bad reply is
/// dropped (or reported as a refusal) and never becomes a time.
@Suite struct ProbeFakeServerTests {
    @Test func aWrongOriginIsDropped() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.originTime = NTPTimestamp(rawValue: request.transmitTime.rawValue &+ 1) }]
        }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        #expect(outcome.result == .noAnswer(.timedOut(seconds: 0.3)))
        #expect(outcome.dropped == [.wrongOrigin])
    }

    @Test func aWrongModeIsDropped() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.mode = .client }, FakeNTPServer.reply(to: request) { $0.mode = .symmetricActive }]
        }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        #expect(outcome.sample == nil)
        #expect(outcome.dropped == [.wrongMode(.client), .wrongMode(.symmetricActive)])
    }

    @Test func aShortPacketIsDropped() throws {
        let server = try FakeNTPServer { request in [Array(FakeNTPServer.reply(to: request) { _ in }.prefix(47))] }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        #expect(outcome.sample == nil)
        #expect(outcome.dropped == [.tooShort(length: 47)])
    }

    @Test func aZeroTransmitTimestampIsDropped() throws {
        let server = try FakeNTPServer { request in [FakeNTPServer.reply(to: request) { $0.transmitTime = .zero }] }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        #expect(outcome.sample == nil)
        #expect(outcome.dropped == [.zeroTransmit])
    }

    @Test func aTransmitTimeBeforeTheReceiveTimeIsDropped() throws {
        // An hour between T3 and T2 the wrong way round would be a 3,600 s delay taken as good.
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.transmitTime = NTPTimestamp(rawValue: $0.receiveTime.rawValue &- (3600 << 32)) }]
        }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        #expect(outcome.sample == nil)
        #expect(outcome.dropped == [.transmitBeforeReceive])
        let run = try runChronyvisor(["probe", "127.0.0.1", "--port", String(server.port), "--count", "1",
                                      "--interval", "0", "--timeout", "0.3"])
        #expect(run.status == .exited(2), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("T3 < T2"), "\(run.stdout)")
    }

    @Test func aKissOfDeathRateIsARefusal() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.stratum = 0; $0.leap = .unsynchronised; $0.referenceID = ReferenceID(code: "RATE") }]
        }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        guard case .refused(let refusal, _) = outcome.result else { Issue.record("not refused: \(outcome)"); return }
        #expect(refusal == .kissOfDeath(code: "RATE"))
        #expect(outcome.sample == nil)
    }

    @Test func leap3IsARefusal() throws {
        let server = try FakeNTPServer { request in [FakeNTPServer.reply(to: request) { $0.leap = .unsynchronised }] }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        guard case .refused(let refusal, _) = outcome.result else { Issue.record("not refused: \(outcome)"); return }
        #expect(refusal == .unsynchronised(leap: .unsynchronised, stratum: 2))
    }

    @Test func aForgedReplyCannotHideTheGenuineOne() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.originTime = NTPTimestamp(rawValue: 1); $0.transmitTime = NTPTimestamp(rawValue: 1 << 40) },
             FakeNTPServer.goodReply(to: request).encoded()]
        }
        let outcome = try NTPClient.loopback(port: server.port).exchange()
        let sample = try #require(outcome.sample)
        #expect(outcome.dropped == [.wrongOrigin])
        #expect(abs(sample.offset) < 0.01)
        #expect(sample.stratum == 2)
        #expect(sample.referenceID == "192.0.2.1")
        #expect(sample.rootDelay == 0.0625)
    }

    @Test func eachRequestCarriesAFreshNonce() throws {
        let nonces = Mutex<[UInt64]>([])
        let server = try FakeNTPServer { request in
            nonces.withLock { $0.append(request.transmitTime.rawValue) }
            return [FakeNTPServer.goodReply(to: request).encoded()]
        }
        let client = try NTPClient.loopback(port: server.port)
        for _ in 0..<5 { #expect(try client.exchange().sample != nil) }
        let seen = nonces.withLock { $0 }
        #expect(seen.count == 5)
        #expect(Set(seen).count == 5)
    }

    @Test func theCommandExitsTwoWhenEveryReplyIsInvalid() throws {
        let server = try FakeNTPServer { request in [FakeNTPServer.reply(to: request) { $0.mode = .broadcast }] }
        let run = try runChronyvisor(["probe", "127.0.0.1", "--port", String(server.port), "--count", "2",
                                      "--interval", "0", "--timeout", "0.2"])
        #expect(run.status == .exited(2), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("[1] no answer within 0.2 s  (dropped 1 invalid: wrong mode 5 (expected 4, server))"))
        #expect(run.stdout.contains("2 sent, 0 answered, 2 lost, 0 refused, 2 invalid dropped"))
    }

    @Test func theCommandSlowsDownOnRateAndExitsTwo() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.stratum = 0; $0.referenceID = ReferenceID(code: "RATE") }]
        }
        let run = try runChronyvisor(["probe", "127.0.0.1", "--port", String(server.port), "--count", "2",
                                      "--interval", "0.1", "--json"])
        #expect(run.status == .exited(2), "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["type"] as? String == "refused")
        #expect(first["kiss_code"] as? String == "RATE")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect(summary["refusals"] as? [String: Int] == ["RATE": 2])
        #expect(summary["exit_code"] as? Int == 2)
    }

    @Test func theCommandStopsOnDeny() throws {
        let server = try FakeNTPServer { request in
            [FakeNTPServer.reply(to: request) { $0.stratum = 0; $0.referenceID = ReferenceID(code: "DENY") }]
        }
        let run = try runChronyvisor(["probe", "127.0.0.1", "--port", String(server.port), "--count", "5", "--interval", "0"])
        #expect(run.status == .exited(2), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("[1] refused: kiss-of-death DENY: the server denies access"))
        #expect(run.stdout.contains("stopping"))
        #expect(run.stdout.contains("1 sent, 1 answered, 0 lost, 1 refused (DENY 1), 0 invalid dropped"))
        #expect(server.requests == 1)
    }
}
