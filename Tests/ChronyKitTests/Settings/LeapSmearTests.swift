import Testing
@testable import ChronyKit

/// The table of known smearing and non-smearing services, and the settings check built on it.
@Suite struct LeapSmearTests {
    static func resolve(_ environment: [String: String]) throws(SettingError) -> ChronySettings {
        try ChronySettings.resolve(SettingsSource(environment: environment))
    }

    /// Hosts and what the table says of them (nil: not in the table).
    static let classified: [(String, Bool?)] = [
        ("time.google.com", true), ("time4.google.com", true), ("TIME.GOOGLE.COM.", true), ("time.android.com", true),
        ("time.aws.com", true), ("169.254.169.123", true), ("[fd00:ec2::123]", true),
        ("time.facebook.com", true), ("time5.facebook.com", true),
        ("time.cloudflare.com", false), ("time.nist.gov", false), ("time-a-g.nist.gov", false),
        ("ntp.se", false), ("sth1.ntp.se", false), ("ntp.netnod.se", false),
        ("pool.ntp.org", false), ("0.pool.ntp.org", false), ("2.debian.pool.ntp.org", false),
        // Not in the table: lookalikes, own servers, operators without a statement found.
        ("evilpool.ntp.org", nil), ("time.google.com.example.net", nil), ("time6.google.com", nil),
        ("ptbtime1.ptb.de", nil), ("time.windows.com", nil), ("chrony-local1", nil), ("10.0.0.1", nil),
    ]

    @Test(arguments: classified.indices)
    func classifiesHost(_ index: Int) throws {
        let (text, smears) = Self.classified[index]
        let source = try #require(NTPSource.parse(text))
        #expect(KnownTimeService.lookup(source.host)?.smears == smears, "\(text)")
    }

    @Test func everyEntryCitesItsOperatorsPage() {
        for service in KnownTimeService.table {
            #expect(service.source.hasPrefix("https://"), "\(service.name)")
            #expect(!service.hosts.isEmpty, "\(service.name)")
        }
        #expect(KnownTimeService.table.contains { $0.smears })
        #expect(KnownTimeService.table.contains { !$0.smears })
    }

    struct Mix: Sendable, CustomStringConvertible {
        let servers: String
        let mix: String?
        /// nil: accepted; else words the error names.
        let refusedWith: [String]?
        var description: String { "\(servers) LEAP_SMEAR_MIX=\(mix ?? "(unset)")" }
    }

    static let mixes: [Mix] = [
        Mix(servers: "time.google.com,time.cloudflare.com", mix: nil,
            refusedWith: ["invalid NTP_SERVERS=\"time.google.com,time.cloudflare.com\"", "time.google.com (Google Public NTP) smears",
                          "time.cloudflare.com (Cloudflare) does not", "LEAP_SMEAR_MIX=allow"]),
        Mix(servers: "time.aws.com, 0.pool.ntp.org, time.nist.gov", mix: "refuse",
            refusedWith: ["time.aws.com (Amazon Time Sync Service) smears", "0.pool.ntp.org (NTP Pool), time.nist.gov (NIST Internet Time Service) do not"]),
        Mix(servers: "time.google.com,time.cloudflare.com", mix: "allow", refusedWith: nil),
        Mix(servers: "time.google.com,time.cloudflare.com", mix: "ALLOW", refusedWith: nil),
        Mix(servers: "time.google.com,time1.google.com,time.aws.com,time.facebook.com", mix: nil, refusedWith: nil),
        Mix(servers: "time.cloudflare.com,ntp.netnod.se,ptbtime1.ptb.de,time.nist.gov", mix: nil, refusedWith: nil),
        // Unknown servers count for neither side.
        Mix(servers: "time.google.com,ntp.example.net,10.0.0.1", mix: nil, refusedWith: nil),
        Mix(servers: "time.google.com,time.cloudflare.com", mix: "sometimes",
            refusedWith: ["invalid LEAP_SMEAR_MIX=\"sometimes\"", "refuse", "allow"]),
    ]

    @Test(arguments: mixes)
    func mix(_ m: Mix) {
        var environment = ["NTP_SERVERS": m.servers]
        if let mix = m.mix { environment["LEAP_SMEAR_MIX"] = mix }
        do {
            let settings = try Self.resolve(environment)
            #expect(m.refusedWith == nil, "accepted \(m)")
            #expect(settings.leapSmearMix == (m.mix?.lowercased() == "allow" ? .allow : .refuse))
        } catch {
            guard let words = m.refusedWith else {
                Issue.record("refused \(m): \(error)")
                return
            }
            for word in words { #expect(error.description.contains(word), "\(error.description) should name \(word)") }
            #expect(!error.description.contains("\n"))
        }
    }

    /// The flag names the setting too, and a gateway's mix is refused like a relay's.
    @Test func flagAndGateway() {
        #expect(throws: SettingError.self) {
            try ChronySettings.resolve(SettingsSource(environment: ["NTP_ROLE": "gateway", "NTP_SERVERS": "time.google.com,pool.ntp.org"]))
        }
        do {
            _ = try ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS": "time.google.com,pool.ntp.org"],
                                                          flags: [.leapSmearMix: "maybe"]))
            Issue.record("accepted --leap-smear-mix maybe")
        } catch {
            #expect(error.description.hasPrefix("invalid --leap-smear-mix=\"maybe\": expected refuse"))
        }
    }
}
