import ChronyRuntime
import Foundation
import Testing

/// `run` and `config` (the built binary) with settings a careless operator could give: every
/// refusal is one line naming the variable, exit 78, and nothing written, created or started.
@Suite struct RunHostileSettingsTests {
    /// Runs `run` with `environment` over the harness's and checks the refusal.
    func expectRefusedBeforeAnything(_ environment: [String: String], naming name: String,
                                     prepare: (RunningChronyvisor) throws -> Void = { _ in }) throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("chronyvisor-marker-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(marker) }
        var env = ["NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": testScript("fake-chronyd-marker.sh"), "MARKER": marker]
        env.merge(environment) { $1 }
        let run = try RunningChronyvisor(env, start: false)
        try prepare(run)
        try run.start()
        #expect(try run.waitForExit() == .exited(78), "\(run.log)")
        let lines = run.log.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("chronyvisor: invalid \(name)="), "\(run.log)")
        // chronyd may have said its version (-v) and checked the configuration (-p) but never run.
        let runs = ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(runs.allSatisfy { $0.contains(" -p ") || $0 == "run -v" }, "chronyd was run: \(runs)")
        #expect(!FileManager.default.fileExists(atPath: run.configFile), "chrony.conf was written")
        #expect(!FileManager.default.fileExists(atPath: run.stateDirectory) || name == "CHRONY_STATE_DIR")
    }

    @Test(arguments: [
        ("HEALTH_LISTEN", "nowhere"), ("HEALTH_MAX_OFFSET", "nan"), ("HEALTH_MAX_ROOT_DISTANCE", "-1"),
        ("HEALTH_START_GRACE", "forever"), ("HEALTH_DEGRADED_OK", "maybe"), ("HEALTH_SERVED_TIME", "\u{1B}"),
    ])
    func aBadHealthSettingLeavesNothingWritten(name: String, value: String) throws {
        try expectRefusedBeforeAnything([name: value], naming: name)
    }

    @Test(arguments: ["CHRONY_RUN_DIR", "CHRONY_STATE_DIR", "CHRONY_CONF", "CHRONY_CONF_DIR", "CHRONYD_PATH"])
    func aPathWithTrailingOrLeadingSpaceIsRefused(name: String) throws {
        for value in ["/tmp/chronyvisor-space/x ", " /tmp/chronyvisor-space/x", "/tmp/chronyvisor-space/x\t"] {
            try expectRefusedBeforeAnything([name: value], naming: name)
        }
    }

    @Test func aSymlinkedStateDirectoryIsRefusedAndItsTargetUntouched() throws {
        let elsewhere = try makeTemporaryDirectory("elsewhere")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let targetPath = elsewhere.path
        chmod(targetPath, 0o755)
        var target = stat()
        lstat(targetPath, &target)
        try expectRefusedBeforeAnything([:], naming: "CHRONY_STATE_DIR") { run in
            try FileManager.default.createSymbolicLink(atPath: run.stateDirectory, withDestinationPath: targetPath)
        }
        var after = stat()
        lstat(targetPath, &after)
        #expect(after.st_uid == target.st_uid && after.st_mode == target.st_mode)
    }

    @Test func aStateDirectoryWithOtherFilesIsRefused() throws {
        try expectRefusedBeforeAnything([:], naming: "CHRONY_STATE_DIR") { run in
            try FileManager.default.createDirectory(atPath: run.stateDirectory, withIntermediateDirectories: true)
            chmod(run.stateDirectory, 0o755)
            try "data\n".write(toFile: run.stateDirectory + "/database", atomically: false, encoding: .utf8)
        }
    }

    @Test(arguments: [("CHRONY_RUN_DIR", "/"), ("CHRONY_STATE_DIR", "/var/lib"), ("CHRONY_RUN_DIR", "/run")])
    func aSystemDirectoryIsRefused(name: String, value: String) throws {
        try expectRefusedBeforeAnything([name: value], naming: name)
    }

    /// `config` and `config --check` validate what `run` validates, supervision and health
    /// included.
    @Test(arguments: [
        ("STOP_GRACE", "nan"), ("RESTART_MAX", "-1"), ("RESTART_WINDOW", "0"), ("READY_WHEN", "later"),
        ("POLL_INTERVAL", "1ns"), ("CHRONY_USER", "-x"), ("HEALTH_LISTEN", "127.0.0.1:99999"),
        ("HEALTH_MAX_OFFSET", "inf"), ("HEALTH_DEGRADED_OK", "2"), ("CHRONY_RUN_DIR", "/var/run"),
    ])
    func configRefusesWhatRunRefuses(name: String, value: String) throws {
        for check in [false, true] {
            let result = try runChronyvisor(["config"] + (check ? ["--check"] : []), environment: ["NTP_SERVERS": "127.0.0.1", name: value])
            #expect(result.status == .exited(78), "\(name)=\(value) check=\(check): \(result.stderr)")
            #expect(result.stderr.hasPrefix("chronyvisor: invalid \(name)="), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test(arguments: ["/nonexistent", "/tmp", "/etc/passwd"])
    func aMissingChronydIsOneClearLineNamingTheVariable(path: String) throws {
        let result = try runChronyvisor(["config", "--check"], environment: ["NTP_SERVERS": "127.0.0.1", "CHRONYD_PATH": path])
        #expect(result.status == .exited(78), "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("chronyvisor: invalid CHRONYD_PATH=\"\(path)\": expected an executable chronyd") == true, "\(result.stderr)")
        try expectRefusedBeforeAnything(["CHRONYD_PATH": path], naming: "CHRONYD_PATH")
    }
}
