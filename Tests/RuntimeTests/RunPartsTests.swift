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
        let chrony = ChronyAccount(name: "_chrony", uid: 102, gid: 105)
        let c = ChronydCommand.make(executable: "/usr/sbin/chronyd", settings: settings, account: chrony, environment: env)
        #expect(c.arguments == ["-d", "-x", "-u", "_chrony", "-L", "1", "-f", "/etc/chrony/chrony.conf"])
        #expect(c.environment == ["PATH": "/bin", "TZ": "UTC"])
        var control = settings
        control.clockControl = true
        let noUser = ChronydCommand.make(executable: "/usr/sbin/chronyd", settings: control, account: nil, environment: [:])
        #expect(noUser.arguments == ["-d", "-L", "1", "-f", "/etc/chrony/chrony.conf"])
    }

    /// Started as chronyd's user (not root): -U skips chronyd's root check, -u names the user
    /// whose uid and gid chronyd wants on its command socket's directory.
    @Test func chronydStartedAsItsUserSkipsTheRootCheckAndNamesItself() {
        let own = ChronyAccount(name: "_chrony", uid: 102, gid: 105, dropsRoot: false)
        let c = ChronydCommand.make(executable: "/usr/sbin/chronyd", settings: settings, account: own, environment: [:])
        #expect(c.arguments == ["-d", "-x", "-U", "-u", "_chrony", "-L", "1", "-f", "/etc/chrony/chrony.conf"])
    }

    @Test func theChronyUserIsTheDistributionsOrTheConfiguredOne() throws {
        let debian = try ChronyAccount.resolve(configured: nil, effectiveUID: 0)
        #expect(debian.name == "_chrony" && debian.uid != 0 && debian.dropsRoot)
        #expect(try ChronyAccount.resolve(configured: "root", effectiveUID: 0).uid == 0)
        #expect(throws: SettingError.self) { try ChronyAccount.resolve(configured: "no-such-user-here", effectiveUID: 0) }
    }

    /// Not root, chronyd runs as us: our own passwd entry, CHRONY_USER only if it names us,
    /// and a uid without an entry is refused (chronyd could not look it up).
    @Test func notRootTheChronyUserIsOurOwn() throws {
        let chrony = try #require(ChronyAccount.lookup("_chrony"))
        let own = try ChronyAccount.resolve(configured: nil, effectiveUID: chrony.uid)
        #expect(own == ChronyAccount(name: "_chrony", uid: chrony.uid, gid: chrony.gid, dropsRoot: false))
        #expect(try ChronyAccount.resolve(configured: "_chrony", effectiveUID: chrony.uid) == own)
        let other = #expect(throws: SettingError.self) { try ChronyAccount.resolve(configured: "nobody", effectiveUID: chrony.uid) }
        #expect(other?.description.contains("CHRONY_USER") == true)
        let unnamed = #expect(throws: SettingError.self) { try ChronyAccount.resolve(configured: nil, effectiveUID: 4_000_123) }
        #expect(unnamed?.description.contains("uid 4000123") == true)
    }

    /// CLOCK_CONTROL=true without root: refused unless CAP_SYS_TIME is ambient.
    @Test func clockControlWithoutRootNeedsAmbientSysTime() throws {
        var control = settings
        control.clockControl = true
        let own = ChronyAccount(name: "_chrony", uid: 102, gid: 105, dropsRoot: false)
        let source = SettingsSource(environment: ["CLOCK_CONTROL": "true"])
        let refused = #expect(throws: SettingError.self) {
            try ClockControlCheck.check(control, account: own, source: source, status: { "CapInh:\t0\nCapAmb:\t0000000000000000\n" })
        }
        #expect(refused?.description.hasPrefix("invalid CLOCK_CONTROL=") == true)
        try ClockControlCheck.check(control, account: own, source: source, status: { "CapAmb:\t0000000002000000\n" })
        try ClockControlCheck.check(settings, account: own, source: source, status: { nil })
        try ClockControlCheck.check(control, account: ChronyAccount(name: "_chrony", uid: 102, gid: 105), source: source, status: { nil })
    }

    @Test func logLinesAreOneLineWithSortedKeyValueMetadata() {
        let line = LogLine.format(time: "2026-11-27T03:40:00.000Z", level: .info, label: "chronyvisor",
                                  message: "chronyd started\nsecond line",
                                  metadata: ["pid": "123", "args": "-d -x", "quote": "a\"b", "empty": ""])
        #expect(line == #"2026-11-27T03:40:00.000Z info chronyvisor: chronyd started\nsecond line args="-d -x" empty="" pid=123 quote="a\"b""#)
        #expect(LogLine.now().count == 24 && LogLine.now().hasSuffix("Z"))
    }

    @Test func chronydsOwnTimestampIsDropped() {
        #expect(ChronydProcess.stripTimestamp("2026-11-27T03:32:39Z Selected source 127.0.0.1") == "Selected source 127.0.0.1")
        #expect(ChronydProcess.stripTimestamp("Fatal error : x") == "Fatal error : x")
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsecWhateverWatchdogPidSays() {
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"]) == .seconds(15))
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "soon"]) == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"]).watchdogInterval == nil, "no NOTIFY_SOCKET, no pings")
        #expect(!SystemdNotifier(environment: [:]).send(["READY=1"]))
    }
}
