import ChronyKit
import ChronyRuntime
import Foundation
import Testing

/// What `run` does to the directories it is pointed at, on real files in a temporary
/// directory (as root, the tests' user here, so owners really change): symbolic links are
/// never followed, system directories and directories holding other files are refused, a
/// fresh or chronyd-only directory is taken over, an existing conf.d keeps its mode.
@Suite struct RuntimeDirectoriesTests {
    /// A temporary base (0755) with the paths `run` would use inside it.
    final class Base {
        let path: String
        init() throws {
            path = try makeTemporaryDirectory("dirs").path
            chmod(path, 0o755)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        var paths: ChronyPaths {
            ChronyPaths(configFile: path + "/etc/chrony.conf", runDirectory: path + "/run",
                        stateDirectory: path + "/state", confDirectory: path + "/conf.d")
        }

        func makeDirectory(_ name: String, mode: mode_t = 0o755, files: [String] = []) throws {
            try FileManager.default.createDirectory(atPath: path + "/" + name, withIntermediateDirectories: true)
            chmod(path + "/" + name, mode)
            for file in files { try "x\n".write(toFile: path + "/" + name + "/" + file, atomically: false, encoding: .utf8) }
        }
    }

    static var chronyUser: ChronyAccount? { ChronyAccount.lookup("_chrony") ?? ChronyAccount.lookup("chrony") }

    static func info(_ path: String) -> stat {
        var info = stat()
        lstat(path, &info)
        return info
    }

    static func refusal(_ body: () throws -> Void) -> SettingError? {
        do { try body() } catch let error as SettingError { return error } catch { Issue.record("\(error)") }
        return nil
    }

    @Test(arguments: [SettingKey.runDirectory, .stateDirectory])
    func aSymbolicLinkIsNeverFollowed(key: SettingKey) throws {
        let owner = try #require(Self.chronyUser)
        let base = try Base()
        try base.makeDirectory("target", files: ["secret"])
        let link = key == .runDirectory ? base.paths.runDirectory : base.paths.stateDirectory
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: base.path + "/target")
        let before = Self.info(base.path + "/target")
        let source = SettingsSource(environment: [key.environmentName: link])
        for attempt in [{ try RuntimeDirectories.check(base.paths, owner: owner, source: source) },
                        { try RuntimeDirectories.prepare(base.paths, owner: owner, source: source) }] {
            let error = try #require(Self.refusal(attempt))
            #expect(error.source == key.environmentName)
            #expect(error.description.contains("not a symbolic link"), "\(error)")
        }
        let after = Self.info(base.path + "/target")
        #expect(after.st_uid == before.st_uid && after.st_mode == before.st_mode, "the link's target was changed")
    }

    @Test func aSystemDirectoryReachedThroughALinkedParentIsRefused() throws {
        // base/root -> /: CHRONY_RUN_DIR=base/root/run is /run. Refused before any change.
        let owner = try #require(Self.chronyUser)
        let base = try Base()
        try FileManager.default.createSymbolicLink(atPath: base.path + "/root", withDestinationPath: "/")
        var paths = base.paths
        paths.runDirectory = base.path + "/root/run"
        let before = Self.info("/run")
        let source = SettingsSource(environment: ["CHRONY_RUN_DIR": paths.runDirectory])
        let error = try #require(Self.refusal { try RuntimeDirectories.prepare(paths, owner: owner, source: source) })
        #expect(error.source == "CHRONY_RUN_DIR")
        #expect(error.description.contains("system directory") && error.description.contains("it is /run"), "\(error)")
        let after = Self.info("/run")
        #expect(after.st_uid == before.st_uid && after.st_mode == before.st_mode)
    }

    @Test func aDirectoryHoldingOtherFilesIsNotTakenOver() throws {
        let owner = try #require(Self.chronyUser)
        let base = try Base()
        try base.makeDirectory("state", files: ["chrony.drift", "passwd", "shadow"])
        let source = SettingsSource(environment: [:], flags: [.stateDirectory: base.paths.stateDirectory])
        let error = try #require(Self.refusal { try RuntimeDirectories.prepare(base.paths, owner: owner, source: source) })
        #expect(error.source == "--state-dir")
        #expect(error.description.contains(#"it holds files chronyd does not put there ("passwd", "shadow")"#), "\(error)")
        let info = Self.info(base.paths.stateDirectory)
        #expect(info.st_uid == 0 && info.st_mode & 0o7777 == 0o755)
    }

    @Test(arguments: [[String](), ["chrony.drift", "ntskeys", "192.0.2.1.nts", "chrony.drift.tmp", "lost+found"]])
    func anEmptyOrChronydOnlyDirectoryIsTakenOver(files: [String]) throws {
        // A fresh Docker volume or tmpfs (empty, root's, 0755) and a previous run's state.
        let owner = try #require(Self.chronyUser)
        let base = try Base()
        try base.makeDirectory("run", files: ["chronyd.pid", "chronyd.sock"])
        try base.makeDirectory("state", files: files)
        try RuntimeDirectories.prepare(base.paths, owner: owner, source: SettingsSource(environment: [:]))
        for directory in [base.paths.runDirectory, base.paths.stateDirectory] {
            let info = Self.info(directory)
            #expect(info.st_uid == owner.uid && info.st_gid == owner.gid && info.st_mode & 0o7777 == 0o750)
        }
        #expect(!FileManager.default.fileExists(atPath: base.paths.pidFile), "the stale pid file is kept")
        for file in files { #expect(FileManager.default.fileExists(atPath: base.paths.stateDirectory + "/" + file)) }
    }

    @Test func aDirectoryAlreadyChronydsIsUsedWhateverItHolds() throws {
        let owner = try #require(Self.chronyUser)
        let base = try Base()
        try base.makeDirectory("state", mode: 0o750, files: ["notes.txt"])
        chown(base.paths.stateDirectory, owner.uid, owner.gid)
        try RuntimeDirectories.prepare(base.paths, owner: owner, source: SettingsSource(environment: [:]))
        #expect(FileManager.default.fileExists(atPath: base.paths.stateDirectory + "/notes.txt"))
    }

    @Test func anExistingConfDirectoryKeepsItsMode() throws {
        let base = try Base()
        try base.makeDirectory("conf.d", mode: 0o700, files: ["keys.conf"])
        try RuntimeDirectories.prepare(base.paths, owner: Self.chronyUser, source: SettingsSource(environment: [:]))
        #expect(Self.info(base.paths.confDirectory).st_mode & 0o7777 == 0o700)
        // A missing one is created 0755.
        let fresh = try Base()
        try RuntimeDirectories.prepare(fresh.paths, owner: Self.chronyUser, source: SettingsSource(environment: [:]))
        #expect(Self.info(fresh.paths.confDirectory).st_mode & 0o7777 == 0o755)
    }

    @Test(arguments: ["/", "/run", "/var/lib", "//var//lib/", "/tmp", "/etc", "/usr/local", "/x/../run", "/var/./lib"])
    func systemDirectoriesAreRefusedBeforeAnythingIsTouched(path: String) throws {
        for key in [SettingKey.runDirectory, .stateDirectory] {
            #expect(throws: SettingError.self) {
                try ChronySettings.resolve(SettingsSource(environment: [key.environmentName: path]))
            }
        }
    }

    @Test(arguments: ["/run/chrony", "/var/lib/chrony", "/var/run/chrony", "/data/chrony", "/tmp/x/run"])
    func ordinaryDirectoriesAreAccepted(path: String) throws {
        let settings = try ChronySettings.resolve(SettingsSource(environment: ["CHRONY_RUN_DIR": path, "CHRONY_STATE_DIR": path]))
        #expect(settings.paths.runDirectory == path)
    }
}
