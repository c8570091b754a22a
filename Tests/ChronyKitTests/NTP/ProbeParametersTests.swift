import Testing
@testable import ChronyKit

@Suite struct ProbeParametersTests {
    @Test func defaults() throws {
        let parameters = try ProbeParameters(host: "gateway", port: nil, interval: nil, count: nil, timeout: nil, json: false)
        #expect(parameters.port == 123)
        #expect(parameters.interval == 2)
        #expect(parameters.count == 0)
        #expect(parameters.timeout == 1)
    }

    @Test func bracketedIPv6() throws {
        #expect(try ProbeParameters(host: "[::1]", port: "1123", interval: "0", count: "3", timeout: "0.5", json: true).host == "::1")
    }

    @Test(arguments: [
        ("--port", "0"), ("--port", "65536"), ("--port", "abc"), ("--port", "-1"),
        ("--interval", "-1"), ("--interval", "nan"), ("--interval", "inf"), ("--interval", "x"),
        ("--count", "-3"), ("--count", "1.5"),
        ("--timeout", "0"), ("--timeout", "-2"), ("--timeout", "1e9"),
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
