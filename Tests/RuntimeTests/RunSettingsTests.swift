import ChronyRuntime
import Foundation
import Testing

/// Bad settings: exit 78, one line naming the input, nothing written or started.
@Suite struct RunSettingsTests {
    @Test(arguments: [
        ("NTP_PORT", "abc"), ("STOP_GRACE", "forever"), ("RESTART_MAX", "-1"), ("READY_WHEN", "later"),
        ("CHRONY_USER", "no-such-user-here"), ("NTP_SERVERS", "bad host"),
    ])
    func badSettingExits78WithNothingStarted(name: String, value: String) throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-marker-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(marker) }
        var environment = ["NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-marker.sh"), "MARKER": marker]
        environment[name] = value
        let run = try RunningChronyvisor(environment)
        #expect(try run.waitForExit() == .exited(78))
        let lines = run.log.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("chronyvisor: invalid \(name)="), "\(run.log)")
        #expect(!FileManager.default.fileExists(atPath: marker), "chronyd was run")
        #expect(!FileManager.default.fileExists(atPath: run.configFile))
        #expect(!FileManager.default.fileExists(atPath: run.runDirectory))
    }

    @Test func aMissingChronydExits78() throws {
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": "/nonexistent/chronyd"])
        #expect(try run.waitForExit() == .exited(78))
        #expect(run.log.hasPrefix("chronyvisor: invalid CHRONYD_PATH=\"/nonexistent/chronyd\": expected an executable chronyd"))
        #expect(!FileManager.default.fileExists(atPath: run.configFile))
    }

    @Test func aConfigChronydRejectsExits78() throws {
        // A drop-in file chronyd cannot parse: its own parser (chronyd -x -p) refuses the
        // configuration before anything is started.
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1"], start: false)
        let confDir = run.environment["CHRONY_CONF_DIR"]!
        try FileManager.default.createDirectory(atPath: confDir, withIntermediateDirectories: true)
        try "nosuchdirective 1\n".write(toFile: confDir + "/bad.conf", atomically: false, encoding: .utf8)
        try run.start()
        #expect(try run.waitForExit() == .exited(78))
        #expect(run.log.hasPrefix("chronyvisor: chronyd rejects the configuration"), "\(run.log)")
        #expect(!FileManager.default.fileExists(atPath: run.runDirectory))
    }
}
