import Testing
@testable import ChronyKit

/// Bytes captured from chronyd 4.3 on this machine (Debian 12), answering a client request
/// from a Python socket: `local stratum 1` (synchronised to its own clock) and a chronyd
/// with no source at all (unsynchronised).
enum ChronyPackets {
    static let requestNonce = NTPTimestamp(rawValue: 0xDAB3_3D31_A80B_3E80)
    static let synchronised = bytes(
        "240100e600000000000000007f7f0101eeb376f3794e1753dab33d31a80b3e80eeb3770504c0aff9eeb3770505597920")
    static let unsynchronisedNonce = NTPTimestamp(rawValue: 0x269F_1C84_C9CE_0856)
    static let unsynchronised = bytes(
        "e40000e60001000000010000000000000000000000000000269f1c84c9ce0856eeb37709d5f750f9eeb37709da58ae9a")

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}

@Suite struct NTPPacketTests {
    @Test func decodesChronysReply() throws {
        let packet = try NTPPacket(decoding: ChronyPackets.synchronised)
        #expect(packet.leap == .normal)
        #expect(packet.version == 4)
        #expect(packet.mode == .server)
        #expect(packet.stratum == 1)
        #expect(packet.poll == 0)
        #expect(packet.precision == -26)
        #expect(packet.rootDelay.seconds == 0)
        #expect(packet.rootDispersion.seconds == 0)
        #expect(packet.referenceID.hex == "7F7F0101")
        #expect(packet.referenceID.display(stratum: packet.stratum) == "127.127.1.1")
        #expect(packet.referenceTime == NTPTimestamp(rawValue: 0xEEB3_76F3_794E_1753))
        #expect(packet.originTime == ChronyPackets.requestNonce)
        #expect(packet.receiveTime == NTPTimestamp(rawValue: 0xEEB3_7705_04C0_AFF9))
        #expect(packet.transmitTime == NTPTimestamp(rawValue: 0xEEB3_7705_0559_7920))
        let pivot = UnixTime(seconds: 1_795_750_000)
        #expect(packet.transmitTime.unixTime(near: pivot) == UnixTime(seconds: 1_795_750_021, nanoseconds: 20_896_502))
        #expect(packet.transmitTime.unixTime(near: pivot).description == "2026-11-27T03:27:01.020896Z")
        #expect(packet.referenceTime.unixTime(near: pivot).description == "2026-11-27T03:26:43.473847Z")
        // The server held the request 2.33 ms between T2 and T3.
        #expect(abs(packet.transmitTime.seconds(since: packet.receiveTime) - 0.002331325551) < 1e-12)
    }

    @Test func decodesChronysUnsynchronisedReply() throws {
        let packet = try NTPPacket(decoding: ChronyPackets.unsynchronised)
        #expect(packet.leap == .unsynchronised)
        #expect(packet.stratum == 0)
        #expect(packet.rootDelay.seconds == 1)
        #expect(packet.rootDispersion.seconds == 1)
        #expect(packet.referenceID.rawValue == 0)
        #expect(packet.referenceTime.isZero)
        #expect(NTPReplyCheck.check(ChronyPackets.unsynchronised, nonce: ChronyPackets.unsynchronisedNonce)
            == .refused(.unsynchronised(leap: .unsynchronised, stratum: 0), packet))
    }

    @Test func encodingReproducesChronysBytes() throws {
        for bytes in [ChronyPackets.synchronised, ChronyPackets.unsynchronised] {
            #expect(try NTPPacket(decoding: bytes).encoded() == bytes)
        }
    }

    @Test func clientRequestIsSNTP() throws {
        let nonce = NTPTimestamp(rawValue: 0x0123_4567_89AB_CDEF)
        let bytes = NTPPacket.clientRequest(nonce: nonce).encoded()
        #expect(bytes.count == 48)
        #expect(bytes[0] == 0x23)  // LI 0, VN 4, mode 3
        #expect(bytes[1..<40].allSatisfy { $0 == 0 })
        #expect(Array(bytes[40..<48]) == [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])
    }

    @Test func ignoresExtensionFieldsAndRejectsShortPackets() throws {
        let longer = ChronyPackets.synchronised + [UInt8](repeating: 0xAA, count: 20)
        #expect(try NTPPacket(decoding: longer) == NTPPacket(decoding: ChronyPackets.synchronised))
        #expect(throws: NTPPacketError.tooShort(length: 47)) {
            try NTPPacket(decoding: Array(ChronyPackets.synchronised.prefix(47)))
        }
    }

    @Test func referenceIDs() {
        #expect(ReferenceID(code: "RATE").asciiCode == "RATE")
        #expect(ReferenceID(code: "RATE").rawValue == 0x5241_5445)
        #expect(ReferenceID(code: "GPS").asciiCode == "GPS")
        #expect(ReferenceID(code: "GPS").display(stratum: 1) == "GPS")
        #expect(ReferenceID(rawValue: 0x7F7F_0101).asciiCode == nil)
        #expect(ReferenceID(rawValue: 0).asciiCode == nil)
        #expect(ReferenceID(rawValue: 0xC0A8_0001).display(stratum: 2) == "192.168.0.1")
        // An upstream address that happens to be printable is still an address above stratum 1.
        #expect(ReferenceID(code: "ABCD").display(stratum: 3) == "65.66.67.68")
    }
}
