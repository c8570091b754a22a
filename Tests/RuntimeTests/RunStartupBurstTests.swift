import Foundation
import Testing

/// A gateway started before its relays are synchronised asks chronyd for a burst the moment
/// enough relays answer synchronised, and then synchronises. (How much sooner is measured in
/// scripts/bench.sh, not asserted here.)
@Suite struct RunStartupBurstTests {
    @Test func gatewayBurstsWhenRelaysSynchronise() throws {
        // Relays that are clients of a reference which starts only later: they answer
        // unsynchronised (leap 3) until it appears.
        let referencePort = TestPorts.next()
        // Each node has its own address: chronyd takes one source per address.
        let relays = try (2...3).map { i in
            try LocalChronyd(address: "127.0.3.\(i)", directives: ["server 127.0.3.1 port \(referencePort) iburst minpoll -2 maxpoll 0"])
        }
        let run = try RunningChronyvisor([
            "NTP_ROLE": "gateway", "NTP_SERVERS": relays.map { "\($0.address):\($0.port)" }.joined(separator: ","),
            "NTP_MINPOLL": "0", "NTP_MAXPOLL": "4",
        ])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { (try? run.get("/healthz"))?.status == 200 }
        #expect(run.events("asked chronyd for a burst").isEmpty, "no burst while the relays are unsynchronised")
        let reference = try LocalChronyd.reference(address: "127.0.3.1", port: referencePort)
        try run.waitForLog("asked chronyd for a burst", timeout: 30)
        try run.waitForLog("to=healthy", timeout: 30)
        #expect(run.events("asked chronyd for a burst").first?.contains("synchronised_relays=\"2 of 2\"") == true)
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        withExtendedLifetime(reference) {}
    }

    @Test func relayNeverBursts() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)"])
        try run.waitForLog("to=healthy", timeout: 30)
        #expect(run.events("asked chronyd for a burst").isEmpty)
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }
}
