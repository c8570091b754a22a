import ChronyKit

/// A datagram received by the probe, the load generator or the served-time check
/// (`NTPReplyCheck.check`), and, when accepted, the sample and the probe's report made of it.
enum NTPReplyTarget {
    /// Selectors: a flag byte (bit 0: the nonce differs from the packet's origin timestamp,
    /// bit 1: the kernel gave an arrival timestamp), the client's clock readings (4 bytes of
    /// seconds from the reply's receive time to T1, signed; 4 bytes of monotonic
    /// nanoseconds elapsed; 4 bytes of arrival latency); then the datagram.
    static let target = FuzzTarget(
        name: "ntp-reply",
        summary: "a UDP datagram as the answer to our NTP request (probe, load generator, served-time check); an accepted reply passes every check and gives finite offset and delay within the maths' limits",
        dictionary: ["\u{24}", "\u{1C}", "\u{E4}", "\u{DC}", "RATE", "DENY", "RSTR", "INIT", "STEP", "LOCL", "GPS\0", "\u{7F}\0\0\u{1}"],
        seeds: { _ in seeds },
        run: { bytes throws(FuzzFailure) in try check(bytes) })

    static func check(_ bytes: [UInt8]) throws(FuzzFailure) {
        let name = "ntp-reply"
        var input = FuzzInput(bytes)
        let flags = input.byte()
        let secondsToT1 = Int32(bitPattern: input.uint32())
        let elapsed = Int64(input.uint32())
        let latency = Int64(input.uint32())
        let datagram = Array(input.rest)

        // Decoding: a header decodes from any 48 bytes and encodes back to them.
        if let packet = try? NTPPacket(decoding: datagram) {
            try require(packet.encoded() == Array(datagram.prefix(NTPPacket.headerSize)), name, "decode/encode changed the header")
        }
        let origin = datagram.count >= 32 ? NTPPacket.timestamp(datagram, at: 24) : .zero
        let nonce = flags & 1 == 0 ? origin : NTPTimestamp(rawValue: origin.rawValue ^ 1)
        let verdict = NTPReplyCheck.check(datagram, nonce: nonce)
        switch verdict {
        case .dropped(let reason):
            try require(!(datagram.count < NTPPacket.headerSize) || reason == .tooShort(length: datagram.count), name,
                        "a \(datagram.count)-byte datagram dropped as \(reason)")
            _ = reason.description + reason.token
        case .refused(let refusal, let packet):
            try require(packet.originTime == nonce && packet.mode == .server, name, "refusal from a reply that is not ours")
            if case .kissOfDeath = refusal { try require(packet.stratum == 0, name, "kiss code at stratum \(packet.stratum)") }
            var tally = ProbeTally()
            tally.record(NTPExchangeOutcome(.refused(refusal, packet)))
            try require(tally.exitStatus == ProbeExit.onlyInvalidOrRefused, name, "a refusal exits \(tally.exitStatus)")
        case .accepted(let packet):
            try require(datagram.count >= NTPPacket.headerSize, name, "accepted a short datagram")
            try require(packet.mode == .server && (packet.version == 3 || packet.version == 4), name, "accepted mode \(packet.mode) version \(packet.version)")
            try require(packet.originTime == nonce, name, "accepted a reply whose origin is not our nonce")
            try require(!packet.receiveTime.isZero && !packet.transmitTime.isZero, name, "accepted a zero T2 or T3")
            try require(packet.transmitTime.ticks(since: packet.receiveTime) >= 0, name, "accepted T3 before T2")
            // What the served-time check requires of the node's own answer.
            try require((1...15).contains(packet.stratum) && packet.leap != .unsynchronised, name,
                        "accepted stratum \(packet.stratum) leap \(packet.leap)")

            // The client's clock: T1 near the server's T2, the reply `elapsed` ns later.
            let t2 = packet.receiveTime.unixTime(near: UnixTime(seconds: 1_795_750_136))
            let send = UnixTime(seconds: t2.seconds + Int64(secondsToT1), nanoseconds: 0)
            let receive = send.adding(nanoseconds: elapsed)
            let clocks = ExchangeClockReadings(sendRealtime: send, sendMonotonic: 1_000, receiveMonotonic: 1_000 + elapsed,
                                               receiveRealtime: receive,
                                               kernelArrival: flags & 2 == 0 ? nil : receive.adding(nanoseconds: -latency))
            let sample = NTPSample(reply: packet, clocks: clocks)
            try require(sample.offset.isFinite && sample.delay.isFinite, name, "offset \(sample.offset), delay \(sample.delay)")
            // Differences are 64-bit NTP differences: never more than 2^31 s apart.
            try require(abs(sample.offset) <= 2_147_483_648 && abs(sample.delay) <= 4_294_967_296, name,
                        "offset \(sample.offset) or delay \(sample.delay) beyond the 68-year window")
            // δ = (T4 − T1) − (T3 − T2) with T3 ≥ T2: never more than the time we waited.
            try require(sample.delay <= Double(elapsed) / 1e9 + 1e-6, name, "delay \(sample.delay) longer than the \(elapsed) ns waited")
            let outcome = NTPExchangeOutcome(.sample(sample))
            var tally = ProbeTally()
            tally.record(outcome)
            try require(tally.exitStatus == ProbeExit.goodSample, name, "a good sample exits \(tally.exitStatus)")
            let target = ProbeTarget(host: "localhost", address: "127.0.0.1", port: 123)
            let json = ProbeReport.json(outcome, sequence: 1, target: target)
            try require(json.hasPrefix("{") && !json.dropLast().contains("\n"), name, "probe JSON is not one line: \(json)")
            _ = ProbeReport.text(outcome, sequence: 1) + ProbeReport.textSummary(tally, target: target)
                + ProbeReport.jsonSummary(tally, target: target)
        }
    }

    /// Replies as chronyd sends them, and the refusals and faults the checks know.
    static var seeds: [[UInt8]] {
        let t1 = NTPTimestamp(seconds: 0xECF1_2345, fraction: 0x1234_5678)
        let t2 = NTPTimestamp(seconds: 0xECF1_2345, fraction: 0x2000_0000)
        let t3 = NTPTimestamp(seconds: 0xECF1_2345, fraction: 0x2001_0000)
        let good = NTPPacket(leap: .normal, version: 4, mode: .server, stratum: 2, poll: 6, precision: -26,
                             rootDelay: NTPShortFormat(rawValue: 0x0000_0100), rootDispersion: NTPShortFormat(rawValue: 0x0000_0200),
                             referenceID: ReferenceID(rawValue: 0x7F00_0001), referenceTime: t1,
                             originTime: t1, receiveTime: t2, transmitTime: t3)
        var packets = [good]
        var v3 = good; v3.version = 3; packets.append(v3)
        for code: UInt32 in [0x5241_5445, 0x4445_4E59, 0x5253_5452] {  // RATE DENY RSTR
            var kiss = good; kiss.stratum = 0; kiss.referenceID = ReferenceID(rawValue: code); packets.append(kiss)
        }
        var unsynchronised = good; unsynchronised.leap = .unsynchronised; unsynchronised.stratum = 16; packets.append(unsynchronised)
        var era = good  // across the 2036 era boundary
        era.receiveTime = NTPTimestamp(seconds: 0xFFFF_FFFF, fraction: 0xFFFF_0000)
        era.transmitTime = NTPTimestamp(seconds: 0, fraction: 0x0001_0000)
        packets.append(era)
        var backwards = good; backwards.transmitTime = t1; packets.append(backwards)
        let clock: [UInt8] = [0, 0, 0, 0, 0x00, 0x0F, 0x42, 0x40, 0, 0, 0x03, 0xE8]
        var seeds = packets.map { [0] + clock + $0.encoded() }
        seeds.append([2] + clock + good.encoded() + [UInt8](repeating: 0, count: 20))  // with a MAC-sized tail
        seeds.append([0] + clock + Array(good.encoded().prefix(47)))
        return seeds
    }
}

extension NTPPacket {
    /// The timestamp at byte `at` of a datagram (big-endian seconds, then fraction).
    static func timestamp(_ bytes: [UInt8], at: Int) -> NTPTimestamp {
        let value = bytes[at..<at + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return NTPTimestamp(rawValue: value)
    }
}
