import Testing
@testable import ChronyKit

@Suite struct SupervisionSettingsTests {
    func resolve(_ environment: [String: String], flags: [SettingKey: String] = [:]) throws(SettingError) -> SupervisionSettings {
        try SupervisionSettings.resolve(SettingsSource(environment: environment, flags: flags))
    }

    @Test func defaults() throws {
        let s = try resolve([:])
        #expect(s == SupervisionSettings())
        #expect(s.stopGrace == .seconds(5))
        #expect(s.restartPolicy.maxRestarts == 5)
        #expect(s.restartPolicy.window == .seconds(60))
        #expect(s.restartPolicy.delay(forFailure: 1) < .seconds(1))
        #expect(s.chronyUser == nil)
    }

    @Test func valuesFromEnvironmentAndFlags() throws {
        let s = try resolve(["STOP_GRACE": "1.5s", "RESTART_MAX": "0", "RESTART_WINDOW": "5m",
                             "POLL_INTERVAL": "250ms", "CHRONY_USER": "chrony"], flags: [.stopGrace: "2"])
        #expect(s.stopGrace == .seconds(2))
        #expect(s.restartPolicy.maxRestarts == 0)
        #expect(s.restartPolicy.window == .seconds(300))
        #expect(s.pollInterval == .milliseconds(250))
        #expect(s.chronyUser == "chrony")
    }

    @Test(arguments: [
        ("STOP_GRACE", "forever"), ("STOP_GRACE", "-1s"), ("STOP_GRACE", "2d"), ("RESTART_MAX", "-1"),
        ("RESTART_MAX", "many"), ("RESTART_WINDOW", "0s"), ("POLL_INTERVAL", "1ms"),
        ("CHRONY_USER", "-root"), ("CHRONY_USER", "a b"), ("CHRONY_USER", "0day"),
    ])
    func badValuesNameTheVariable(name: String, value: String) {
        #expect {
            try resolve([name: value])
        } throws: { error in
            let e = error as! SettingError
            return e.source == name && e.value == value && e.exitCode == 78
        }
    }

    @Test func durations() {
        #expect(DurationValue.parse("5") == .seconds(5))
        #expect(DurationValue.parse("500ms") == .milliseconds(500))
        #expect(DurationValue.parse("0.25s") == .milliseconds(250))
        #expect(DurationValue.parse("2m") == .seconds(120))
        #expect(DurationValue.parse("1h") == .seconds(3600))
        for bad in ["", "s", ".5s", "5.", "1e3", "5 s", "-5s", "five"] {
            #expect(DurationValue.parse(bad) == nil, "\(bad)")
        }
        #expect(DurationValue.format(.seconds(5)) == "5s")
        #expect(DurationValue.format(.milliseconds(1500)) == "1500ms")
    }
}
