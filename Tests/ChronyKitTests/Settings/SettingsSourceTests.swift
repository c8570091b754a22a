import Testing
@testable import ChronyKit

@Suite struct SettingsSourceTests {
    @Test func flagWinsOverEnvironment() throws {
        let source = SettingsSource(environment: ["NTP_PORT": "1123"], flags: [.port: "2123"])
        let raw = try #require(source.raw(.port))
        #expect(raw.value == "2123")
        #expect(raw.sourceName == "--port")
    }

    @Test func environmentIsReadWhenNoFlag() throws {
        let source = SettingsSource(environment: ["NTP_MIN_SOURCES": "3"])
        let raw = try #require(source.raw(.minSources))
        #expect(raw.value == "3")
        #expect(raw.sourceName == "NTP_MIN_SOURCES")
    }

    @Test func emptyValueCountsAsUnset() {
        let source = SettingsSource(environment: ["NTP_SERVERS": ""])
        #expect(source.raw(.servers) == nil)
    }

    @Test func relayDefaults() throws {
        let s = try ChronySettings.resolve(SettingsSource(environment: [:]))
        #expect(s.role == .relay)
        #expect(s.servers == ChronySettings.defaultRelayServers)
        #expect(s.port == 123)
        #expect(s.allow == .privateNetworks)
        #expect(s.clockControl == false)
        #expect((s.minPoll, s.maxPoll) == (6, 10))
    }
}
