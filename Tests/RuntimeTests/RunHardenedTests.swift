import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `run` in a container as the stand hardens it: no CAP_FOWNER (cap_drop ALL plus chronyd's
/// few), and directories from a read-only image that must be left alone.
@Suite struct RunHardenedTests {
    /// Root without CAP_FOWNER may not change the mode of a directory it gave away: the run
    /// directory's mode must be set before its owner.
    @Test func runStartsAndStopsWithoutCapFowner() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "READY_WHEN": "running"],
                                         wrapper: ["/usr/bin/setpriv", "--bounding-set=-fowner", "--"])
        try waitUntil(timeout: 30, "chronyd answers without CAP_FOWNER\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        #expect(!run.log.contains("cannot set the mode"))
        run.signal(SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
    }

    /// Without CAP_KILL, root cannot signal chronyd (which runs as _chrony): `run` says so,
    /// naming the capability, instead of silently waiting out the grace.
    @Test func missingCapKillIsReported() throws {
        let reference = try LocalChronyd.reference()
        let run = try RunningChronyvisor(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "READY_WHEN": "running",
                                          "STOP_GRACE": "1s"],
                                         wrapper: ["/usr/bin/setpriv", "--bounding-set=-kill", "--"])
        try waitUntil(timeout: 30, "chronyd answers\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        run.signal(SIGTERM)
        try run.waitForLog("cannot signal chronyd")
        #expect(run.events("cannot signal chronyd").first?.contains("CAP_KILL") == true)
        // chronyd cannot be stopped from here; the harness kills both by pid.
        kill(run.pid, SIGKILL)
        _ = try? run.waitForExit()
    }

    /// A directory whose mode and owner are already right is not touched (its ctime stays):
    /// the image's conf.d lives on a read-only root file system.
    @Test func directoriesAlreadyRightAreLeftAlone() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-dirs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let paths = ChronyPaths(configFile: base + "/etc/chrony.conf", runDirectory: base + "/run",
                                stateDirectory: base + "/state", confDirectory: base + "/conf.d")
        let owner = try #require(ChronyAccount.lookup("_chrony"))
        try RuntimeDirectories.prepare(paths, owner: owner)
        let before = try changeTimes([paths.runDirectory, paths.stateDirectory, paths.confDirectory])
        usleep(20_000)
        try RuntimeDirectories.prepare(paths, owner: owner)
        #expect(try changeTimes([paths.runDirectory, paths.stateDirectory, paths.confDirectory]) == before)

        var info = stat()
        #expect(stat(paths.runDirectory, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o750 && info.st_uid == owner.uid && info.st_gid == owner.gid)
        #expect(stat(paths.confDirectory, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o755)
    }

    private func changeTimes(_ paths: [String]) throws -> [Int] {
        try paths.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
            return info.st_ctim.tv_sec * 1_000_000_000 + info.st_ctim.tv_nsec
        }
    }
}
