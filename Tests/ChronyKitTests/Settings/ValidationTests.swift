import Testing
@testable import ChronyKit
import TestSupport

@Suite struct ValidationTests {
    @Test func atLeastFortyBadInputs() {
        #expect(BadInputCases.all.count >= 40)
    }

    @Test(arguments: BadInputCases.all)
    func badInputIsRefusedNamingTheInput(_ bad: BadInputCases.Case) {
        let flags = Dictionary(uniqueKeysWithValues: bad.flags.map { name, value in
            (SettingKey.chronySettings.first { $0.flagName == name }!, value)
        })
        do {
            let settings = try ChronySettings.resolve(SettingsSource(environment: bad.environment, flags: flags))
            Issue.record("accepted: \(settings)")
        } catch {
            #expect(error.source == bad.names)
            #expect(error.exitCode == 78)
            #expect(error.description.contains(bad.names))
            #expect(!error.description.contains("\n"), "one line")
            #expect(error.description.contains("expected"))
        }
    }

    @Test func valuesAreShownEscaped() {
        let error = SettingError(source: "NTP_SERVERS", value: "a\nb\u{1}\"", expected: "x")
        #expect(error.description == #"invalid NTP_SERVERS="a\nb\x01\"": expected x"#)
    }

    @Test(arguments: [
        ("time.cloudflare.com", "time.cloudflare.com", nil as UInt16?),
        ("10.1.2.3:1123", "10.1.2.3", 1123),
        ("[fd00::1]:123", "fd00::1", 123),
        ("[::1]", "::1", nil),
        ("fd00::1", "fd00::1", nil),
        ("relay.example.", "relay.example.", nil),
        ("chrony-local1:1123", "chrony-local1", 1123),
    ])
    func goodSourcesParse(text: String, host: String, port: UInt16?) throws {
        let source = try #require(NTPSource.parse(text))
        #expect(source.host.description == host)
        #expect(source.port == port)
    }

    @Test func allowAllMustBeAskedFor() throws {
        #expect(try ChronySettings.resolve(SettingsSource(environment: ["NTP_ALLOW": "all"])).allow == .all)
        #expect(try ChronySettings.resolve(SettingsSource(environment: [:])).allow != .all)
    }

    @Test func gatewayDefaultsToTwoAgreeingSources() throws {
        let s = try ChronySettings.resolve(SettingsSource(environment: ["NTP_ROLE": "gateway", "NTP_SERVERS": "a,b,c"]))
        #expect(s.minSources == 2)
        #expect((s.minPoll, s.maxPoll) == (0, 4))
    }

    @Test func booleansAcceptCommonSpellings() throws {
        for (text, value) in [("true", true), ("YES", true), ("1", true), ("on", true), ("false", false), ("No", false), ("0", false), ("off", false)] {
            #expect(try ChronySettings.resolve(SettingsSource(environment: ["ENABLE_NTS": text])).enableNTS == value)
        }
    }
}
