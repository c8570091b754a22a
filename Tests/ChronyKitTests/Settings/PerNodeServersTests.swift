import Testing
@testable import ChronyKit

/// NTP_SERVERS_BY_INDEX and NODE_INDEX: each replica of one template picks its own sources.
@Suite struct PerNodeServersTests {
    @Test(arguments: [
        ("0", 0 as Int?), ("2", 2), ("chronyvisor-relay-1", 1), ("relay-12", 12), ("a-b-c-3", 3),
        ("relay", nil), ("relay-", nil), ("-1", nil), ("", nil), ("relay-1x", nil), ("relay-١", nil), ("1234567890", nil),
        ("pod.name_x-1", 1), ("re\u{0}lay-1", nil), ("relay\n-1", nil), ("relay 2-1", nil),
    ])
    func indexFromANumberOrAPodName(text: String, index: Int?) {
        #expect(PerNodeServers.index(text) == index)
    }

    private func servers(_ env: [String: String]) throws -> [String] {
        try ChronySettings.resolve(SettingsSource(environment: env)).servers.map(\.host.description)
    }

    @Test func eachNodeTakesItsOwnEntry() throws {
        let lists = "a.example,b.example,c.example ; d.example,e.example,f.example;g.example"
        #expect(try servers(["NTP_SERVERS_BY_INDEX": lists, "NODE_INDEX": "chronyvisor-relay-0"]) == ["a.example", "b.example", "c.example"])
        #expect(try servers(["NTP_SERVERS_BY_INDEX": lists, "NODE_INDEX": "chronyvisor-relay-1"]) == ["d.example", "e.example", "f.example"])
        #expect(try servers(["NTP_SERVERS_BY_INDEX": lists, "NODE_INDEX": "2"]) == ["g.example"])
    }

    @Test func anEmptyOrMissingEntryFallsBackToNTPServers() throws {
        let env = ["NTP_SERVERS_BY_INDEX": ";x.example", "NTP_SERVERS": "s1.example,s2.example"]
        #expect(try servers(env.merging(["NODE_INDEX": "relay-0"]) { $1 }) == ["s1.example", "s2.example"])
        #expect(try servers(env.merging(["NODE_INDEX": "relay-1"]) { $1 }) == ["x.example"])
        #expect(try servers(env.merging(["NODE_INDEX": "relay-5"]) { $1 }) == ["s1.example", "s2.example"])
        // …and NTP_SERVERS' own default when that is unset too: the relays' default list.
        #expect(try servers(["NTP_SERVERS_BY_INDEX": ";x.example", "NODE_INDEX": "relay-0"])
                == ChronySettings.defaultRelayServers.map(\.host.description))
    }

    /// Found by the settings fuzz target: a NODE_INDEX with control characters, given without
    /// NTP_SERVERS_BY_INDEX, went unchecked into the generated configuration's header.
    @Test func aBadNodeIndexIsRefusedEvenWithoutPerNodeLists() {
        #expect(throws: SettingError.self) { try servers(["NODE_INDEX": "relay\u{0}\u{0}y"]) }
        #expect(throws: SettingError.self) { try servers(["NODE_INDEX": "relay"]) }
    }

    @Test func unsetItChangesNothing() throws {
        // NODE_INDEX alone (as the relay StatefulSet always sets it) leaves NTP_SERVERS in force.
        #expect(try servers(["NODE_INDEX": "chronyvisor-relay-1"]) == ChronySettings.defaultRelayServers.map(\.host.description))
        #expect(try servers(["NODE_INDEX": "chronyvisor-relay-1", "NTP_SERVERS": "s.example"]) == ["s.example"])
    }

    @Test func aSmearMixInTheNodesOwnEntryIsRefusedNamingTheSetting() {
        let env = ["NTP_SERVERS_BY_INDEX": "time.cloudflare.com,time.google.com,time.nist.gov", "NODE_INDEX": "0"]
        #expect { try ChronySettings.resolve(SettingsSource(environment: env)) } throws: { error in
            (error as? SettingError)?.source == "NTP_SERVERS_BY_INDEX"
        }
    }

    @Test func minSourcesCountsTheNodesOwnServers() {
        let env = ["NTP_SERVERS_BY_INDEX": "a.example;b.example,c.example", "NODE_INDEX": "0", "NTP_MIN_SOURCES": "2"]
        #expect(throws: SettingError.self) { try ChronySettings.resolve(SettingsSource(environment: env)) }
    }
}
