import Testing
@testable import ChronyKit

/// Which leap-second directive chrony.conf gets: `leapseclist PATH` only for chrony 4.6 and
/// later with a readable list; `leapsectz right/UTC` otherwise (4.3 has no `leapseclist`).
@Suite struct LeapSecondsDirectiveTests {
    @Test(arguments: [
        ("chronyd (chrony) version 4.3 (+CMDMON +NTP +REFCLOCK +RTC +PRIVDROP +SCFILTER +SIGND +ASYNCDNS +NTS +SECHASH +IPV6 -DEBUG)", "4.3"),
        ("chronyd (chrony) version 4.6.1 (+CMDMON +NTP)", "4.6.1"),
        ("chronyd (chrony) version 4.8 (+CMDMON)\n", "4.8"),
        ("chronyd (chrony) version 4.6-pre1 (+CMDMON)", "4.6"),
    ])
    func parsesVersion(_ text: String, _ expected: String) {
        #expect(ChronyVersion.parse(versionOutput: text)?.description == expected)
    }

    @Test(arguments: ["", "chronyd: command not found", "version", "chronyd (chrony) version x.y"])
    func refusesVersion(_ text: String) {
        #expect(ChronyVersion.parse(versionOutput: text) == nil)
    }

    @Test func choosesByVersion() {
        let path = "/usr/share/zoneinfo/leap-seconds.list"
        #expect(LeapSecondsSource.choose(version: ChronyVersion(4, 3), path: path, readable: true) == .timeZone)
        #expect(LeapSecondsSource.choose(version: ChronyVersion(4, 5, 9), path: path, readable: true) == .timeZone)
        #expect(LeapSecondsSource.choose(version: ChronyVersion(4, 6), path: path, readable: true) == .list(path))
        #expect(LeapSecondsSource.choose(version: ChronyVersion(4, 6, 1), path: path, readable: false) == .timeZone)
        #expect(LeapSecondsSource.choose(version: ChronyVersion(4, 8), path: nil, readable: true) == .timeZone)
        #expect(LeapSecondsSource.choose(version: nil, path: path, readable: true) == .timeZone)
    }

    @Test func rendersOneDirective() throws {
        let settings = try ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS": "a,b,c"]))
        let renderer = ChronyConfRenderer(templates: try .builtin())
        let old = try renderer.render(settings)
        #expect(old.contains("\nleapsectz right/UTC\n"))
        #expect(!old.contains("leapseclist"))
        let new = try renderer.render(settings, leapSeconds: .list("/usr/share/zoneinfo/leap-seconds.list"))
        #expect(new.contains("\nleapseclist /usr/share/zoneinfo/leap-seconds.list\n"))
        #expect(!new.contains("leapsectz"))
    }

    @Test func leapSecondsListSetting() throws {
        #expect(try ChronySettings.resolve(SettingsSource(environment: [:])).leapSecondsList == LeapSecondsList.defaultPath)
        #expect(try ChronySettings.resolve(SettingsSource(environment: [:])).leapSecondsListGiven == false)
        #expect(try ChronySettings.resolve(SettingsSource(environment: ["LEAP_SECONDS_LIST": "off"])).leapSecondsList == nil)
        let given = try ChronySettings.resolve(SettingsSource(environment: ["LEAP_SECONDS_LIST": "/srv/leap.list"]))
        #expect(given.leapSecondsList == "/srv/leap.list" && given.leapSecondsListGiven)
        #expect(throws: SettingError.self) { try ChronySettings.resolve(SettingsSource(environment: ["LEAP_SECONDS_LIST": "leap.list"])) }
    }
}
