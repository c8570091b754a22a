import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// `run` started as chronyd's own user, as a container with `USER` or a pod with
/// `runAsNonRoot` starts it: real chronyd (-x) and chronyc, every capability gone (setpriv
/// clears the bounding, inheritable and ambient sets), nothing but the user's own rights.
/// Needs root to switch to `_chrony` (the test's own process stays root).
@Suite(.enabled(if: geteuid() == 0 && ChronyAccount.lookup("_chrony") != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
struct RunNonRootTests {
    static let chrony = ChronyAccount.lookup("_chrony")!

    /// setpriv as `_chrony` with its own group and no capability at all.
    static var asChrony: [String] {
        ["/usr/bin/setpriv", "--reuid=\(chrony.uid)", "--regid=\(chrony.gid)", "--init-groups",
         "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    }

    /// A harness whose directory belongs to `_chrony`, so that chronyvisor creates the run,
    /// state, conf.d and chrony.conf directories itself, as on a fresh volume.
    static func harness(_ environment: [String: String]) throws -> RunningChronyvisor {
        let run = try RunningChronyvisor(environment, start: false)
        guard chown(run.directory.path, chrony.uid, chrony.gid) == 0 else { throw POSIXError(.EPERM) }
        return run
    }

    static func status(ofProcess pid: pid_t) -> String { (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "" }

    static func field(_ name: String, _ status: String) -> String? {
        status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    @Test func runsSynchronisesAndStopsAsChronydsUserWithNoCapability() throws {
        let reference = try LocalChronyd.reference()
        let run = try Self.harness(["NTP_SERVERS": "127.0.0.1:\(reference.port)"])
        try run.start(wrapper: Self.asChrony)
        try waitUntil(timeout: 60, "ready as _chrony\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        let started = try #require(run.events("chronyvisor starting").first)
        #expect(RunningChronyvisor.value("chrony_user", in: started) == "_chrony")
        #expect(RunningChronyvisor.value("drops_root", in: started) == "false")
        let chronydLine = try #require(run.events("chronyd started").first)
        #expect(chronydLine.contains("-U -u _chrony"), "chronyd started as its user: \(chronydLine)")

        // Both processes are _chrony with no capability, effective or bounding.
        let chronyd = try #require(run.chronydPIDs.last)
        for pid in [run.pid, chronyd] {
            let status = Self.status(ofProcess: pid)
            #expect(Self.field("Uid", status)?.split(separator: "\t").allSatisfy { $0 == "\(Self.chrony.uid)" } == true, "\(pid): \(status)")
            #expect(Self.field("CapEff", status) == "0000000000000000")
            #expect(Self.field("CapBnd", status) == "0000000000000000")
        }
        // The run directory is chronyd's own, 0750: its command socket is open.
        var info = stat()
        #expect(stat(run.runDirectory, &info) == 0)
        #expect(info.st_uid == Self.chrony.uid && info.st_gid == Self.chrony.gid && info.st_mode & 0o7777 == 0o750)
        #expect(stat(run.runDirectory + "/chronyd.sock", &info) == 0)

        // `status` and `health` as the same user (docker exec's default user), through the
        // socket and the verdict file.
        var env = run.environment
        env["PATH"] = env["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        let status = try CapturedRun.run(Self.asChrony[0], arguments: Array(Self.asChrony.dropFirst()) + [TestPaths.chronyvisor, "status", "tracking"],
                                         timeout: .seconds(30), environment: env)
        #expect(status.status == .exited(0), "\(status.stderr)")
        #expect(status.stdout.contains("Reference ID    : 7F000001 (127.0.0.1)"), "\(status.stdout)")
        let health = try CapturedRun.run(Self.asChrony[0], arguments: Array(Self.asChrony.dropFirst()) + [TestPaths.chronyvisor, "health"],
                                         timeout: .seconds(30), environment: env)
        #expect(health.status == .exited(0), "\(health.stdout) \(health.stderr)")

        // SIGTERM reaches chronyd without CAP_KILL (same user); the drift file is written.
        kill(run.pid, SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        #expect(!run.log.contains("cannot signal chronyd"))
        #expect(stat(run.stateDirectory + "/chrony.drift", &info) == 0, "\(run.log)")
        #expect(info.st_uid == Self.chrony.uid)
    }

    /// A state directory that is the mount point of a volume (root's, mode 0777 as an
    /// emptyDir or a 1777 tmpfs) cannot be chowned or chmodded without root: it is used as
    /// it is, and chronyd writes its drift file there.
    @Test func aWritableStateDirectoryOfRootsIsUsedAsItIs() throws {
        let reference = try LocalChronyd.reference()
        let run = try Self.harness(["NTP_SERVERS": "127.0.0.1:\(reference.port)", "READY_WHEN": "running"])
        try FileManager.default.createDirectory(atPath: run.stateDirectory, withIntermediateDirectories: false)
        #expect(chmod(run.stateDirectory, 0o1777) == 0)
        try run.start(wrapper: Self.asChrony)
        try waitUntil(timeout: 60, "ready\n\(run.log)") { run.log.contains("chronyvisor: ready ") }
        kill(run.pid, SIGTERM)
        #expect(try run.waitForExit() == .exited(0))
        var info = stat()
        #expect(stat(run.stateDirectory, &info) == 0)
        #expect(info.st_uid == 0 && info.st_mode & 0o7777 == 0o1777, "left as it was")
        #expect(stat(run.stateDirectory + "/chrony.drift", &info) == 0, "\(run.log)")
    }

    /// A run directory another user owns cannot become chronyd's: exit 78 naming the
    /// setting, chronyd never started; the same for a state directory it cannot write in.
    @Test func directoriesItCannotMakeItsOwnAreRefused() throws {
        for (setting, mode) in [("CHRONY_RUN_DIR", mode_t(0o755)), ("CHRONY_STATE_DIR", mode_t(0o755))] {
            let run = try Self.harness(["NTP_SERVERS": "127.0.0.1:1"])
            let path = setting == "CHRONY_RUN_DIR" ? run.runDirectory : run.stateDirectory
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            #expect(chmod(path, mode) == 0)
            try run.start(wrapper: Self.asChrony)
            #expect(try run.waitForExit() == .exited(78), "\(run.log)")
            #expect(run.log.contains("invalid \(setting)="), "\(run.log)")
            #expect(run.chronydPIDs.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: run.configFile), "nothing written")
        }
    }

    /// CLOCK_CONTROL=true needs root: refused (78) before anything is written.
    @Test func clockControlIsRefusedWithoutRoot() throws {
        let run = try Self.harness(["NTP_SERVERS": "127.0.0.1:1", "CLOCK_CONTROL": "true"])
        try run.start(wrapper: Self.asChrony)
        #expect(try run.waitForExit() == .exited(78), "\(run.log)")
        #expect(run.log.contains("invalid CLOCK_CONTROL=\"true\""), "\(run.log)")
        #expect(run.chronydPIDs.isEmpty)
    }
}
