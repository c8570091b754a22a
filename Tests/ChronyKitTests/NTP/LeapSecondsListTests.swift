import Foundation
import Testing
@testable import ChronyKit

/// The leap-seconds.list parser. The text is the IERS/tzdata format (data lines, `#$` last
/// update, `#@` expiry, `#h` hash); the host's own copy is read where it exists.
@Suite struct LeapSecondsListTests {
    static let sample = """
        #\tsample, in tzdata's format
        #$\t3960835200
        #@\t3991593600
        #
        2272060800\t10\t# 1 Jan 1972
        2287785600\t11\t# 1 Jul 1972
        3692217600\t37\t# 1 Jan 2017
        #h\t49db2447 571e5e1b 2f002a53 9c8da8e4 39b8e49e

        """

    @Test func parsesExpiryUpdateAndEntries() throws {
        let list = try LeapSecondsList.parse(Self.sample)
        #expect(list.expires == 3_991_593_600 - 2_208_988_800)
        #expect(list.expiryDate == "2026-06-28")
        #expect(list.updated == Int64(1_751_846_400))  // 3960835200 (NTP) = 2025-07-07
        #expect(list.entries.count == 3)
        #expect(list.entries.last?.taiMinusUTC == 37)
        #expect(list.entries.last?.start == 1_483_228_800)  // 2017-01-01
    }

    @Test func crlfLinesToo() throws {
        let list = try LeapSecondsList.parse(Self.sample.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(list.expiryDate == "2026-06-28")
    }

    @Test(arguments: [
        ("", "no `#@` expiry line"),
        ("#$\t3960835200\n2272060800\t10\n", "no `#@` expiry line"),
        ("#@\tsoon\n2272060800\t10\n", "line 1: expected an NTP timestamp after #@"),
        ("#@\t3991593600\n", "no leap-second entries"),
        ("#@\t3991593600\n2272060800 ten\n", "line 2: expected `NTP-seconds TAI-UTC`"),
        ("Europe/Berlin\n", "line 1: expected `NTP-seconds TAI-UTC`"),
    ])
    func refuses(_ text: String, _ problem: String) {
        do {
            _ = try LeapSecondsList.parse(text)
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.description.contains(problem), "\(error)")
        }
    }

    /// The file chrony and tzdata use on this machine, when it is there (Debian's tzdata).
    @Test func hostsOwnList() throws {
        guard let text = try? String(contentsOfFile: LeapSecondsList.defaultPath, encoding: .utf8) else { return }
        let list = try LeapSecondsList.parse(text)
        #expect(list.expires > 1_700_000_000)
        #expect(list.entries.count >= 28)
    }

    @Test func statusLines() {
        let path = "/usr/share/zoneinfo/leap-seconds.list"
        let expires: Int64 = 1_782_604_800  // 2026-06-28
        #expect(LeapSecondsListState.read(path: path, expires: expires).line(now: expires - 40 * 86_400)
                == "expires 2026-06-28 (\(path))")
        #expect(LeapSecondsListState.read(path: path, expires: expires).line(now: expires - 12 * 86_400 - 5)
                == "expires in 12 days, on 2026-06-28 (\(path))")
        #expect(LeapSecondsListState.read(path: path, expires: expires).line(now: expires + 1) == "EXPIRED on 2026-06-28 (\(path))")
        #expect(LeapSecondsListState.failed(path: "/x", reason: "cannot be read (No such file or directory)").line(now: 0)
                == "cannot be read: /x: cannot be read (No such file or directory)")
    }
}
