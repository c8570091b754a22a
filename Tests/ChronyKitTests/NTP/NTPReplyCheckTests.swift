import Testing
@testable import ChronyKit

/// The client's acceptance rules, on chrony's real reply and variations of it.
@Suite struct NTPReplyCheckTests {
    let nonce = ChronyPackets.requestNonce

    func variant(_ change: (inout NTPPacket) -> Void) throws -> [UInt8] {
        var packet = try NTPPacket(decoding: ChronyPackets.synchronised)
        change(&packet)
        return packet.encoded()
    }

    @Test func acceptsChronysReply() throws {
        let verdict = NTPReplyCheck.check(ChronyPackets.synchronised, nonce: nonce)
        #expect(verdict == .accepted(try NTPPacket(decoding: ChronyPackets.synchronised)))
    }

    @Test func dropsAWrongOrigin() {
        #expect(NTPReplyCheck.check(ChronyPackets.synchronised, nonce: NTPTimestamp(rawValue: nonce.rawValue + 1))
            == .dropped(.wrongOrigin))
    }

    @Test func dropsAWrongMode() throws {
        for mode in NTPMode.allCases where mode != .server {
            #expect(NTPReplyCheck.check(try variant { $0.mode = mode }, nonce: nonce) == .dropped(.wrongMode(mode)))
        }
    }

    @Test func acceptsVersions3And4Only() throws {
        for version in UInt8(0)...7 {
            let verdict = NTPReplyCheck.check(try variant { $0.version = version }, nonce: nonce)
            if version == 3 || version == 4 {
                guard case .accepted = verdict else { Issue.record("version \(version): \(verdict)"); continue }
            } else {
                #expect(verdict == .dropped(.wrongVersion(version)))
            }
        }
    }

    @Test func dropsAShortPacket() {
        #expect(NTPReplyCheck.check(Array(ChronyPackets.synchronised.prefix(47)), nonce: nonce) == .dropped(.tooShort(length: 47)))
        #expect(NTPReplyCheck.check([], nonce: nonce) == .dropped(.tooShort(length: 0)))
    }

    @Test func dropsZeroServerTimestamps() throws {
        #expect(NTPReplyCheck.check(try variant { $0.transmitTime = .zero }, nonce: nonce) == .dropped(.zeroTransmit))
        #expect(NTPReplyCheck.check(try variant { $0.receiveTime = .zero }, nonce: nonce) == .dropped(.zeroReceive))
    }

    @Test func dropsATransmitTimeBeforeTheReceiveTime() throws {
        let before = try variant { $0.transmitTime = NTPTimestamp(rawValue: $0.receiveTime.rawValue &- 1) }
        #expect(NTPReplyCheck.check(before, nonce: nonce) == .dropped(.transmitBeforeReceive))
        // Equal times are a server that answers within its clock's resolution: accepted.
        guard case .accepted = NTPReplyCheck.check(try variant { $0.transmitTime = $0.receiveTime }, nonce: nonce) else {
            Issue.record("T3 == T2 not accepted"); return
        }
        // Across the era boundary (T2 just before 2036-02-07, T3 just after) T3 is later.
        let wrap = try variant { $0.receiveTime = NTPTimestamp(seconds: .max, fraction: .max); $0.transmitTime = NTPTimestamp(seconds: 0, fraction: 1) }
        guard case .accepted = NTPReplyCheck.check(wrap, nonce: nonce) else { Issue.record("era wrap dropped"); return }
    }

    @Test(arguments: ["RATE", "DENY", "RSTR", "NTSN"])
    func reportsAKissOfDeath(code: String) throws {
        let bytes = try variant { $0.stratum = 0; $0.leap = .unsynchronised; $0.referenceID = ReferenceID(code: code) }
        guard case .refused(let refusal, _) = NTPReplyCheck.check(bytes, nonce: nonce) else {
            Issue.record("kiss \(code) not reported as a refusal"); return
        }
        #expect(refusal == .kissOfDeath(code: code))
        #expect(refusal.stopsQuerying == (code == "DENY" || code == "RSTR"))
        #expect(refusal.asksToSlowDown == (code == "RATE"))
    }

    @Test func aKissWithTheWrongOriginIsNotBelieved() throws {
        let bytes = try variant { $0.stratum = 0; $0.referenceID = ReferenceID(code: "DENY") }
        #expect(NTPReplyCheck.check(bytes, nonce: NTPTimestamp(rawValue: 42)) == .dropped(.wrongOrigin))
    }

    @Test func leap3IsUnsynchronisedAtAnyStratum() throws {
        let bytes = try variant { $0.leap = .unsynchronised; $0.stratum = 2 }
        #expect(NTPReplyCheck.check(bytes, nonce: nonce)
            == .refused(.unsynchronised(leap: .unsynchronised, stratum: 2), try NTPPacket(decoding: bytes)))
        let stratum16 = try variant { $0.stratum = 16 }
        #expect(NTPReplyCheck.check(stratum16, nonce: nonce)
            == .refused(.unsynchronised(leap: .normal, stratum: 16), try NTPPacket(decoding: stratum16)))
    }
}
