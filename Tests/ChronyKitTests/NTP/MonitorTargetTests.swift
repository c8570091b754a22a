import ChronyKit
import Testing

/// `chronyvisor probe --monitor`'s targets and flags: `[ROLE=]HOST[:PORT]`, checked at the edge.
@Suite struct MonitorTargetTests {
    @Test(arguments: [
        ("chrony-main", MonitorTarget(host: "chrony-main")),
        ("gateway=chrony-main", MonitorTarget(host: "chrony-main", role: "gateway")),
        ("relay=chrony-local1:1123", MonitorTarget(host: "chrony-local1", port: 1123, role: "relay")),
        ("127.0.0.1:123", MonitorTarget(host: "127.0.0.1")),
        ("[::1]:1123", MonitorTarget(host: "::1", port: 1123)),
        ("x_y-2=::1", MonitorTarget(host: "::1", role: "x_y-2")),
    ])
    func parses(_ text: String, _ expected: MonitorTarget) throws {
        #expect(try MonitorTarget.parse(text, defaultPort: 123) == expected)
    }

    @Test func theLabelNamesThePortOnlyWhenItIsNot123() throws {
        #expect(try MonitorTarget.parse("relay=a.example:123", defaultPort: 123).label == "a.example")
        #expect(try MonitorTarget.parse("a.example:1123", defaultPort: 123).label == "a.example:1123")
        #expect(try MonitorTarget.parse("[::1]:1123", defaultPort: 123).label == "[::1]:1123")
        #expect(try MonitorTarget.parse("b.example", defaultPort: 1123).label == "b.example:1123")
    }

    @Test(arguments: ["", "=host", "ro le=host", "gateway=", "host:0", "host:99999", "bad host", "a=b=c", "[::1", "gw=-bad-"])
    func refuses(_ text: String) {
        #expect(throws: ProbeUsageError.self) { try MonitorTarget.parse(text, defaultPort: 123) }
    }

    @Test func parametersCheckEveryTargetOnceAndTheFlags() throws {
        let p = try MonitorParameters(targets: ["gateway=g", "relay=r1", "relay=r2:1123"], port: nil, interval: "5",
                                      timeout: nil, listen: "0.0.0.0:9123", json: false)
        #expect(p.targets.map(\.label) == ["g", "r1", "r2:1123"])
        #expect(p.interval == .seconds(5) && p.timeout == .seconds(1) && p.listen == ListenAddress(host: "0.0.0.0", port: 9123))
        let defaults = try MonitorParameters(targets: ["g"], port: nil, interval: nil, timeout: nil, listen: nil, json: true)
        #expect(defaults.interval == MonitorParameters.defaultInterval && defaults.listen == MonitorParameters.defaultListen)

        #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: [], port: nil, interval: nil, timeout: nil, listen: nil, json: false) }
        #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: ["a", "b", "a"], port: nil, interval: nil, timeout: nil, listen: nil, json: false) }
        #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: ["a"], port: nil, interval: "0", timeout: nil, listen: nil, json: false) }
        #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: ["a"], port: nil, interval: "99ms", timeout: nil, listen: nil, json: false) }
        #expect(try MonitorParameters(targets: ["a"], port: nil, interval: "100ms", timeout: nil, listen: nil, json: false).interval == .milliseconds(100))
        #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: ["a"], port: nil, interval: nil, timeout: nil, listen: "localhost:9123", json: false) }
        #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: ["a"], port: nil, interval: nil, timeout: nil, listen: "127.0.0.1", json: false) }
        let error = #expect(throws: ProbeUsageError.self) { try MonitorParameters(targets: ["a b"], port: nil, interval: nil, timeout: nil, listen: nil, json: false) }
        #expect(error?.exitCode == 64)
        #expect(error?.description.hasPrefix("TARGET: expected [ROLE=]HOST[:PORT]") == true)
    }
}
