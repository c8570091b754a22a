import Testing
@testable import ChronyKit

@Suite struct HealthSettingsTests {
    static func resolve(_ environment: [String: String]) throws(SettingError) -> HealthSettings {
        try HealthSettings.resolve(SettingsSource(environment: environment))
    }

    @Test func defaults() throws {
        let s = try Self.resolve([:])
        #expect(s.listen == ListenAddress(host: "127.0.0.1", port: 9123))
        #expect(s.thresholds == HealthThresholds())
        #expect(s.readiness == Readiness(degradedIsReady: true, readyWhen: .synchronised))
        #expect(s.servedTime == .loopback)
    }

    @Test func thresholdsTakeDurationsDownToMicroseconds() throws {
        let s = try Self.resolve(["HEALTH_MAX_OFFSET": "50us", "HEALTH_MAX_ROOT_DISTANCE": "0.25",
                                  "HEALTH_START_GRACE": "2m"])
        #expect(s.thresholds.maxOffset == 50e-6)
        #expect(s.thresholds.maxRootDistance == 0.25)
        #expect(s.thresholds.startGrace == 120)
    }

    /// HEALTH_DEGRADED_OK and READY_WHEN make up the one readiness value the policy asks.
    @Test func readinessFromDegradedOKAndReadyWhen() throws {
        let s = try Self.resolve(["HEALTH_DEGRADED_OK": "false", "READY_WHEN": "Running"])
        #expect(s.readiness == Readiness(degradedIsReady: false, readyWhen: .running))
        #expect(try Self.resolve(["READY_WHEN": "synchronized"]).readiness.readyWhen == .synchronised)
    }

    @Test func listenAndServedTimeAddresses() throws {
        let s = try Self.resolve(["HEALTH_LISTEN": "[::1]:9200", "HEALTH_SERVED_TIME": "10.0.0.5"])
        #expect(s.listen == ListenAddress(host: "::1", port: 9200))
        #expect(s.listen.description == "[::1]:9200")
        #expect(s.servedTime == .address("10.0.0.5"))
        #expect(try Self.resolve(["HEALTH_SERVED_TIME": "off"]).servedTime == .off)
        #expect(ListenAddress(host: "0.0.0.0", port: 1).connectHost == "127.0.0.1")
    }

    @Test(arguments: [
        ("HEALTH_LISTEN", "localhost:9123"), ("HEALTH_LISTEN", "127.0.0.1"), ("HEALTH_LISTEN", "127.0.0.1:0"),
        ("HEALTH_MAX_OFFSET", "0"), ("HEALTH_MAX_OFFSET", "-1s"), ("HEALTH_MAX_ROOT_DISTANCE", "fast"),
        ("HEALTH_START_GRACE", "2d"), ("HEALTH_DEGRADED_OK", "maybe"), ("HEALTH_SERVED_TIME", "gateway.example"),
        ("READY_WHEN", "soon"),
    ])
    func badValuesNameTheVariable(name: String, value: String) {
        #expect(throws: SettingError.self) { try Self.resolve([name: value]) }
        do {
            _ = try Self.resolve([name: value])
        } catch {
            #expect(error.source == name)
        }
    }

    /// The served-time check asks loopback only when NTP_ALLOW lets loopback query.
    @Test func servedTimeTargetFollowsTheAllowList() throws {
        let open = try ChronySettings.resolve(SettingsSource(environment: ["NTP_PORT": "1123"]))
        #expect(ServedTimeSetting.loopback.target(for: open).map { "\($0.host):\($0.port)" } == "127.0.0.1:1123")
        let closed = try ChronySettings.resolve(SettingsSource(environment: ["NTP_ALLOW": "10.0.0.0/8"]))
        #expect(ServedTimeSetting.loopback.target(for: closed) == nil)
        #expect(ServedTimeSetting.address("10.0.0.5").target(for: closed)?.host == "10.0.0.5")
        #expect(ServedTimeSetting.off.target(for: open) == nil)
    }

    @Test func durationsKeepMicroseconds() {
        #expect(DurationValue.parse("50us") == .microseconds(50))
        #expect(DurationValue.parse("1.5") == .milliseconds(1500))
        #expect(DurationValue.format(.microseconds(50)) == "50us")
        #expect(DurationValue.format(.milliseconds(250)) == "250ms")
        #expect(DurationValue.format(.seconds(5)) == "5s")
        // Sub-second timeouts keep their milliseconds (a 0.5 s health timeout is not 1 ms).
        #expect(Duration.milliseconds(500).wholeMilliseconds == 500)
        #expect(Duration.microseconds(1_500_250).wholeMicroseconds == 1_500_250)
        #expect(Duration.milliseconds(250).inSeconds == 0.25)
    }
}
