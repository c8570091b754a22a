import Testing
@testable import ChronyKit

@Suite struct ProbeParametersTests {
    @Test func defaults() throws {
        let parameters = try ProbeParameters(host: "gateway", port: nil, interval: nil, count: nil, timeout: nil, json: false)
        #expect(parameters.port == 123)
        #expect(parameters.interval == .seconds(2))
        #expect(parameters.count == 0)
        #expect(parameters.timeout == .seconds(1))
    }

    @Test func bracketedIPv6() throws {
        #expect(try ProbeParameters(host: "[::1]", port: "1123", interval: "0", count: "3", timeout: "0.5", json: true).host == "::1")
    }

    /// Durations read as settings read them; plain numbers stay seconds.
    @Test(arguments: [
        ("0", "0.5", Duration.zero, Duration.milliseconds(500)),
        ("500ms", "300ms", .milliseconds(500), .milliseconds(300)),
        ("2m", " 1.5s ", .seconds(120), .milliseconds(1500)),
        ("24h", "10m", .seconds(86_400), .seconds(600)),
    ])
    func durations(interval: String, timeout: String, expectedInterval: Duration, expectedTimeout: Duration) throws {
        let parameters = try ProbeParameters(host: "h", port: nil, interval: interval, count: nil, timeout: timeout, json: false)
        #expect(parameters.interval == expectedInterval)
        #expect(parameters.timeout == expectedTimeout)
    }

    @Test(arguments: [
        ("--port", "0"), ("--port", "65536"), ("--port", "abc"), ("--port", "-1"),
        ("--interval", "-1"), ("--interval", "nan"), ("--interval", "inf"), ("--interval", "x"), ("--interval", "25h"),
        ("--interval", "5 s"), ("--interval", "5sec"),
        ("--count", "-3"), ("--count", "1.5"),
        ("--timeout", "0"), ("--timeout", "-2"), ("--timeout", "1e9"), ("--timeout", "900us"), ("--timeout", "11m"),
    ])
    func rejects(flag: String, value: String) {
        do {
            _ = try ProbeParameters(host: "h", port: flag == "--port" ? value : nil,
                                    interval: flag == "--interval" ? value : nil,
                                    count: flag == "--count" ? value : nil,
                                    timeout: flag == "--timeout" ? value : nil, json: false)
            Issue.record("\(flag) \(value) accepted")
        } catch {
            #expect(error.flag == flag)
            #expect(error.exitCode == 64)
            #expect(error.description.hasPrefix("\(flag): expected "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func rejectsAnEmptyHost() {
        #expect(throws: ProbeUsageError.self) {
            try ProbeParameters(host: " ", port: nil, interval: nil, count: nil, timeout: nil, json: false)
        }
    }
}
