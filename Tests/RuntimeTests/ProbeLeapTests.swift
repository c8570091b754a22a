import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// The probe reports the leap indicator a server sends. A stand-in server sets LI=01 (a
/// second will be inserted at the end of the day) and LI=10 (deleted): real chronyd accepts
/// and passes on a leap second only when its raw system clock is on 30 June or 31 December
/// (reference.c checks the leap day on the raw time), so on any other day it cannot be made
/// to send these bits; a test that needed chronyd to would have to run on a leap day.
@Suite struct ProbeLeapTests {
    @Test(arguments: [(LeapIndicator.insertSecond, "Insert second", "insert"), (.deleteSecond, "Delete second", "delete")])
    func theProbeShowsTheLeapBits(_ leap: LeapIndicator, _ text: String, _ token: String) throws {
        let server = try FakeNTPServer { request in [FakeNTPServer.reply(to: request) { $0.leap = leap }] }
        let sample = try #require(try NTPClient.loopback(port: server.port).exchange().sample)
        #expect(sample.leap == leap)

        let plain = try runChronyvisor(["probe", "127.0.0.1", "--port", String(server.port), "--count", "1"])
        #expect(plain.status == .exited(0), "\(plain.stdout)\(plain.stderr)")
        #expect(plain.stdout.contains("  leap \(text)  "), "\(plain.stdout)")

        let json = try runChronyvisor(["probe", "127.0.0.1", "--port", String(server.port), "--count", "1", "--json"])
        #expect(json.status == .exited(0), "\(json.stdout)\(json.stderr)")
        let first = try #require(json.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "sample")
        #expect(object["leap"] as? String == token)
    }

    @Test func theMonitorExportsTheLeapBits() throws {
        let inserting = try FakeNTPServer { request in [FakeNTPServer.reply(to: request) { $0.leap = .insertSecond }] }
        let deleting = try FakeNTPServer { request in [FakeNTPServer.reply(to: request) { $0.leap = .deleteSecond }] }
        let monitor = try ProbeMonitorTests.Monitor(["127.0.0.1:\(inserting.port)", "127.0.0.1:\(deleting.port)",
                                                     "--interval", "0.2", "--timeout", "0.3"])
        var text = ""
        try waitUntil(timeout: 30, "both stand-ins answered\n\(monitor.log)\n\(text)") {
            text = (try? monitor.metrics()) ?? ""
            return monitor.value("chronyvisor_probe_success", ["target": "127.0.0.1:\(deleting.port)"], in: text) == 1
                && monitor.value("chronyvisor_probe_success", ["target": "127.0.0.1:\(inserting.port)"], in: text) == 1
        }
        #expect(monitor.value("chronyvisor_probe_leap", ["target": "127.0.0.1:\(inserting.port)"], in: text) == 1)
        #expect(monitor.value("chronyvisor_probe_leap", ["target": "127.0.0.1:\(deleting.port)"], in: text) == 2)
        kill(monitor.pid, SIGTERM)
        #expect(try monitor.waitForExit() == .exited(0))
    }
}
