import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// Our client against ntpsec's ntpdig (Debian `ntpsec-ntpdate`, query mode only: never
/// -s/-S/-b/-B) on the same chronyd. ntpdig asks port 123 only, so the chronyd gets a
/// loopback address of its own on port 123.
///
/// What "agree" means: ntpdig prints its offset θ with a bound λ = δ/2 + ε ("+/-", JSON
/// "precision"; ε = 2^precision + 15 ppm of the round trip), and the true offset lies within
/// θ ± δ/2 for any NTP client. So our median offset must lie within ntpdig's median θ ± λ,
/// and our delay must not exceed ntpdig's δ = 2(λ − ε) plus its printed resolution (1 µs
/// on λ): ntpdig is a Python program whose T1/T4 include interpreter time, so its delay is
/// the larger one.
@Suite struct ProbeNtpdigTests {
    static let candidateAddresses = ["127.0.77.123", "127.0.78.123", "127.0.79.123", "127.0.80.123"]

    /// A loopback address whose UDP port 123 is free right now.
    static func freeAddress() -> String? {
        candidateAddresses.first { address in
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            defer { close(fd) }
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = UInt16(123).bigEndian
            sin.sin_addr.s_addr = inet_addr(address)
            return withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        }
    }

    @Test(.enabled(if: Executables.find("ntpdig", fallbacks: ["/usr/bin/ntpdig"]) != nil, "ntpdig (ntpsec-ntpdate) is installed"))
    func offsetAndDelayAgreeWithNtpdig() throws {
        let ntpdig = try #require(Executables.find("ntpdig", fallbacks: ["/usr/bin/ntpdig"]))
        let address = try #require(Self.freeAddress(), "a free loopback address for port 123")
        let chronyd = try LocalChronyd.reference(address: address, port: 123)
        let client = NTPClient(server: try NTPServerAddress.resolve(host: address, port: 123)[0], timeout: .seconds(2))

        var ours: [NTPSample] = []
        var theirs: [(offset: Double, bound: Double)] = []
        for _ in 0..<5 {
            ours.append(try #require(try client.exchange().sample))
            let run = try CapturedRun.run(ntpdig, arguments: ["-j", "-t", "2", address], timeout: .seconds(20))
            #expect(run.status == .exited(0), "\(run.stdout)\(run.stderr)\n\(chronyd.log)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(json["stratum"] as? Int == 1)
            theirs.append((try #require(json["offset"] as? Double), try #require(json["precision"] as? Double)))
            usleep(50_000)
        }
        let ourOffset = try #require(SampleStatistics.spread(ours.map(\.offset))).median
        let ourDelay = try #require(SampleStatistics.spread(ours.map(\.delay))).median
        let theirOffset = try #require(SampleStatistics.spread(theirs.map(\.offset))).median
        let theirBound = try #require(SampleStatistics.spread(theirs.map(\.bound))).median
        let epsilon = pow(2.0, Double(ours[0].reply.precision))
        let theirDelay = 2 * (theirBound - epsilon)
        let comparison = "ours θ=\(ourOffset) δ=\(ourDelay); ntpdig θ=\(theirOffset) λ=\(theirBound) δ≈\(theirDelay)"
        #expect(abs(ourOffset - theirOffset) <= theirBound + 1e-6, "\(comparison)")
        #expect(ourDelay > 0, "\(comparison)")
        #expect(ourDelay <= theirDelay + 2e-6, "\(comparison)")
        print("probe vs ntpdig on \(address):123: \(comparison)")
    }
}
