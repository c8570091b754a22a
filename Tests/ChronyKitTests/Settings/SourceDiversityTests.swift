import Testing
@testable import ChronyKit

@Suite struct SourceDiversityTests {
    @Test(arguments: [
        ("time.cloudflare.com", "only 1 upstream server (time.cloudflare.com): a falseticker cannot be detected with fewer than 3"),
        ("a.example,b.example:1123", "only 2 upstream servers (a.example, b.example:1123): a falseticker cannot be detected with fewer than 3"),
        ("a,b,c", nil),
        ("a,b,c,d", nil),
    ] as [(String, String?)])
    func warning(_ servers: String, _ expected: String?) throws {
        let settings = try ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS": servers]))
        #expect(SourceDiversity.warning(servers: settings.servers) == expected)
    }

    /// The default relay follows four independent operators: enough to outvote a falseticker,
    /// so it gets no warning.
    @Test func defaultRelayIsNotWarned() throws {
        let settings = try ChronySettings.resolve(SettingsSource(environment: [:]))
        #expect(settings.servers.count >= 3)
        #expect(SourceDiversity.warning(servers: settings.servers) == nil)
    }
}
