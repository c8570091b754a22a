import ChronyKit
import Logging
import Testing
@testable import ChronyRuntime

/// The pieces of `run` that need no process: chronyd's command line, the log format, the
/// watchdog interval, the interim chronyc reading.
@Suite struct RunPartsTests {
    let settings = try! ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS": "127.0.0.1", "LOG_LEVEL": "warning"]))

    @Test func chronydRunsWithMinusXAndDropsRoot() {
        let env = ["PATH": "/bin", "NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "1", "WATCHDOG_PID": "1", "TZ": "UTC"]
        let c = ChronydCommand.make(executable: "/usr/sbin/chronyd", settings: settings, user: "_chrony", environment: env)
        #expect(c.arguments == ["-d", "-x", "-u", "_chrony", "-L", "1", "-f", "/etc/chrony/chrony.conf"])
        #expect(c.environment == ["PATH": "/bin", "TZ": "UTC"])
        var control = settings
        control.clockControl = true
        let noUser = ChronydCommand.make(executable: "/usr/sbin/chronyd", settings: control, user: nil, environment: [:])
        #expect(noUser.arguments == ["-d", "-L", "1", "-f", "/etc/chrony/chrony.conf"])
    }

    @Test func theChronyUserIsTheDistributionsOrTheConfiguredOne() throws {
        #expect(try ChronyAccount.resolve(configured: nil, effectiveUID: 1000) == nil)
        let debian = try #require(try ChronyAccount.resolve(configured: nil, effectiveUID: 0))
        #expect(debian.name == "_chrony" && debian.uid != 0)
        #expect(try ChronyAccount.resolve(configured: "root", effectiveUID: 0)?.uid == 0)
        #expect(throws: SettingError.self) { try ChronyAccount.resolve(configured: "no-such-user-here", effectiveUID: 0) }
    }

    @Test func logLinesAreOneLineWithSortedKeyValueMetadata() {
        let line = LogLine.format(time: "2026-11-27T03:40:00.000Z", level: .info, label: "chronyvisor",
                                  message: "chronyd started\nsecond line",
                                  metadata: ["pid": "123", "args": "-d -x", "quote": "a\"b", "empty": ""])
        #expect(line == #"2026-11-27T03:40:00.000Z info chronyvisor: chronyd started\nsecond line args="-d -x" empty="" pid=123 quote="a\"b""#)
        #expect(LogLine.now().count == 24 && LogLine.now().hasSuffix("Z"))
    }

    @Test func chronydsOwnTimestampIsDropped() {
        #expect(ChronydLauncher.stripTimestamp("2026-11-27T03:32:39Z Selected source 127.0.0.1") == "Selected source 127.0.0.1")
        #expect(ChronydLauncher.stripTimestamp("Fatal error : x") == "Fatal error : x")
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsecWhateverWatchdogPidSays() {
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"]) == .seconds(15))
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "soon"]) == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"]).watchdogInterval == nil, "no NOTIFY_SOCKET, no pings")
        #expect(!SystemdNotifier(environment: [:]).send(["READY=1"]))
    }
}
