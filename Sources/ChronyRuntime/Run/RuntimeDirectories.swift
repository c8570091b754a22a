import ChronyKit
/// Prepares the directories chronyd needs before each start.
///
/// chronyd silently disables its command socket when the socket's directory is not owned by
/// its user or is accessible to others: the run directory is made 0750 and owned by the
/// chrony account. The state directory (drift file, NTS cookies) must be writable by chronyd
/// after it dropped root: 0750, same owner. Existing files are kept (the drift file survives
/// restarts); only a stale pid file is removed, so a reused pid can never make chronyd
/// believe another instance runs.
///
/// Taking a directory over is guarded, because a mistaken `CHRONY_STATE_DIR=/var/lib` or a
/// planted symbolic link would hand someone else's files to the chrony user:
/// - the directory itself is never followed when it is a symbolic link: it is opened with
///   `O_NOFOLLOW` relative to its parent, and mode, owner, listing and the pid file's removal
///   all go through that descriptor (`fchmod`, `fchown`, `fdopendir`, `unlinkat`), so it
///   cannot be swapped for a link between the check and the change. Links among its
///   *parents* are followed (`/var/run` is one on Debian); only root can plant those there;
/// - `/` and the system directories are refused, as given (the validator) and as resolved;
/// - an existing directory whose mode or owner must change is taken over only when it is
///   empty or holds nothing but what chronyd itself puts there (a fresh Docker volume, a
///   tmpfs, a previous run's directory); anything else is refused with exit 78.
///
/// Not root (`ChronyAccount.dropsRoot` false: chronyvisor is chronyd's user), nothing is
/// given away and no capability is used: a directory chronyvisor creates or owns gets mode
/// 0750 and its group set to the user's own (a setgid parent, such as a Kubernetes volume
/// with `fsGroup`, would hand it another; chronyd checks uid and gid). One it does not own
/// cannot be changed: the run directory is then refused (chronyd would disable its command
/// socket), the state directory accepted when chronyvisor can write in it (the mount point
/// of an emptyDir or tmpfs, root's with mode 0777 or 1777).
public enum RuntimeDirectories {
    /// What chronyd itself leaves in its run and state directories (chrony 4.3–4.8): the
    /// command socket and pid file, the drift and RTC files, NTS keys and cookies
    /// (`ntskeys`, `ADDRESS.nts`), measurement dumps (`*.dat`), the temporary files it
    /// renames into place (`*.tmp`), and a new file system's `lost+found`; and the verdict
    /// file `run` itself writes there for `health` (`VerdictRecord.fileName`).
    static let chronydNames: Set<String> = ["chronyd.sock", "chronyd.pid", "chrony.drift", "chrony.rtc", "ntskeys", "lost+found",
                                            VerdictRecord.fileName]
    static let chronydSuffixes = [".nts", ".dat", ".tmp"]

    /// True when `name` is something chronyd puts in its directories.
    static func isChronydEntry(_ name: String) -> Bool {
        chronydNames.contains(name) || chronydSuffixes.contains { name.hasSuffix($0) }
    }

    /// Refuses, without changing anything, a run or state directory `prepare` would refuse.
    /// `run` calls it before writing chrony.conf, so a refusal leaves nothing written.
    public static func check(_ paths: ChronyPaths, owner: ChronyAccount?, source: SettingsSource) throws {
        for owned in ownedDirectories(paths, source: source) {
            try refuseSystemDirectory(owned)
            var info = stat()
            guard lstat(owned.path, &info) == 0 else {
                if errno == ENOENT { continue }
                throw RunSetupError("cannot inspect \(owned.path): \(String(cString: strerror(errno)))")
            }
            if (info.st_mode & S_IFMT) == S_IFLNK { throw owned.refusal("a real directory, not a symbolic link") }
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw owned.refusal("a directory (it exists and is something else)") }
            guard needsChange(info, mode: owned.mode, owner: owner) else { continue }
            if let owner, !owner.dropsRoot {
                try checkUnowned(owned, info, owner: owner)
                continue
            }
            let fd = open(owned.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw RunSetupError("cannot open \(owned.path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            try refuseForeignEntries(owned, directory: fd)
        }
    }

    /// Creates (or takes over, see the type's rules) the run and state directories, creates
    /// the conf.d directory when it is missing (0755; an existing one keeps its mode: a 0700
    /// drop-in directory holding keys stays private), and removes a stale pid file.
    public static func prepare(_ paths: ChronyPaths, owner: ChronyAccount?,
                               source: SettingsSource = SettingsSource(environment: [:])) throws {
        for owned in ownedDirectories(paths, source: source) {
            let fd = try takeOver(owned, owner: owner)
            defer { close(fd) }
            if owned.key == .runDirectory, unlinkat(fd, "chronyd.pid", 0) != 0, errno != ENOENT {
                throw RunSetupError("cannot remove the stale pid file \(paths.pidFile): \(String(cString: strerror(errno)))")
            }
        }
        try makeConfDirectory(SystemDirectories.normalized(paths.confDirectory))
    }

    /// Creates conf.d 0755 (whatever the umask) when it is missing; an existing one, or a
    /// link to one (a mounted ConfigMap), is used as it is.
    static func makeConfDirectory(_ path: String) throws {
        guard let name = path.split(separator: "/").last.map(String.init) else { return }
        let parent = try makeParents(path)
        defer { close(parent) }
        if mkdirat(parent, name, 0o755) == 0 {
            guard fchmodat(parent, name, 0o755, 0) == 0 else {
                throw RunSetupError("cannot set the mode of \(path): \(String(cString: strerror(errno)))")
            }
        } else if errno != EEXIST {
            throw RunSetupError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstatat(parent, name, &info, 0) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw RunSetupError("\(path) exists and is not a directory")
        }
    }

    /// A directory `run` gives to chronyd, and the setting that named it.
    struct OwnedDirectory {
        let path: String
        let key: SettingKey
        let setting: String
        let mode: mode_t

        func refusal(_ expected: String) -> SettingError {
            SettingError(source: setting, value: path, expected: expected)
        }
    }

    static func ownedDirectories(_ paths: ChronyPaths, source: SettingsSource) -> [OwnedDirectory] {
        [(paths.runDirectory, SettingKey.runDirectory), (paths.stateDirectory, SettingKey.stateDirectory)].map { path, key in
            OwnedDirectory(path: SystemDirectories.normalized(path), key: key,
                           setting: source.raw(key)?.sourceName ?? key.environmentName, mode: 0o750)
        }
    }

    /// Creates `owned` (0700 until its mode and owner are set) or opens the existing one
    /// without following a link, then sets mode (before owner: once the chrony user owns it,
    /// root may change its mode only with CAP_FOWNER, which a hardened container does not
    /// grant) and owner; neither is touched when already right (a directory on a read-only
    /// file system is left as it is). Returns the open directory.
    static func takeOver(_ owned: OwnedDirectory, owner: ChronyAccount?) throws -> Int32 {
        try refuseSystemDirectory(owned)
        let name = String(owned.path.split(separator: "/").last!)
        let parent = try makeParents(owned.path)
        defer { close(parent) }
        let created = mkdirat(parent, name, 0o700) == 0
        guard created || errno == EEXIST else {
            throw RunSetupError("cannot create \(owned.path): \(String(cString: strerror(errno)))")
        }
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            // O_NOFOLLOW | O_DIRECTORY on a link fails with ELOOP or ENOTDIR: look at the entry itself.
            let error = errno
            var entry = stat()
            if fstatat(parent, name, &entry, AT_SYMLINK_NOFOLLOW) == 0 {
                if (entry.st_mode & S_IFMT) == S_IFLNK { throw owned.refusal("a real directory, not a symbolic link") }
                if (entry.st_mode & S_IFMT) != S_IFDIR { throw owned.refusal("a directory (it exists and is something else)") }
            }
            throw RunSetupError("cannot open \(owned.path): \(String(cString: strerror(error)))")
        }
        do {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw RunSetupError("cannot inspect \(owned.path): \(String(cString: strerror(errno)))") }
            guard needsChange(info, mode: owned.mode, owner: owner) else { return fd }
            if let owner, !owner.dropsRoot {
                try checkUnowned(owned, info, owner: owner)
                if info.st_uid != owner.uid { return fd }
            } else if !created {
                try refuseForeignEntries(owned, directory: fd)
            }
            guard info.st_mode & 0o7777 == owned.mode || fchmod(fd, owned.mode) == 0 else {
                throw RunSetupError("cannot set the mode of \(owned.path): \(String(cString: strerror(errno)))")
            }
            if let owner, info.st_uid != owner.uid || info.st_gid != owner.gid {
                guard fchown(fd, owner.uid, owner.gid) == 0 else {
                    if !owner.dropsRoot {
                        throw RunSetupError("cannot give \(owned.path) to group \(owner.gid), \(owner.name)'s own (chronyd requires it on its run directory): "
                            + "run chronyvisor with that group as its group (Kubernetes: runAsGroup): \(String(cString: strerror(errno)))")
                    }
                    throw RunSetupError("cannot give \(owned.path) to \(owner.name): \(String(cString: strerror(errno)))")
                }
            }
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// Not root: a directory another user owns is refused when it is the run directory
    /// (its mode and owner cannot be made what chronyd requires), and when it is the state
    /// directory and `owner` cannot write in it.
    static func checkUnowned(_ owned: OwnedDirectory, _ info: stat, owner: ChronyAccount) throws(SettingError) {
        guard info.st_uid != owner.uid else { return }
        if owned.key == .runDirectory {
            throw owned.refusal("a directory \(owner.name) (uid \(owner.uid)), the user chronyvisor runs as, owns or can create: chronyd accepts its command socket only in a directory of its own user, mode 0770 or stricter (this one belongs to uid \(info.st_uid))")
        }
        guard access(owned.path, W_OK | X_OK) == 0 else {
            throw owned.refusal("a directory \(owner.name) (uid \(owner.uid)), the user chronyvisor runs as, owns or can write in (this one belongs to uid \(info.st_uid), mode \(String(info.st_mode & 0o7777, radix: 8)))")
        }
    }

    static func needsChange(_ info: stat, mode: mode_t, owner: ChronyAccount?) -> Bool {
        info.st_mode & 0o7777 != mode || owner.map { info.st_uid != $0.uid || info.st_gid != $0.gid } ?? false
    }

    /// Refuses `owned` when it is, once the links among its parents are resolved, `/` or a
    /// system directory (`CHRONY_RUN_DIR=/var/run` where /var/run links to /run).
    static func refuseSystemDirectory(_ owned: OwnedDirectory) throws(SettingError) {
        let components = owned.path.split(separator: "/")
        guard let last = components.last else {
            throw owned.refusal("a directory of chronyd's own, not /")
        }
        let parent = "/" + components.dropLast().joined(separator: "/")
        var resolved = owned.path
        if let real = realpath(parent, nil) {
            resolved = SystemDirectories.normalized(String(cString: real) + "/" + last)
            free(real)
        }
        if SystemDirectories.contains(owned.path) || SystemDirectories.contains(resolved) {
            throw owned.refusal("a directory of chronyd's own, not / or a system directory such as /run or /var/lib (it is \(resolved))")
        }
    }

    /// Refuses `owned` when the open `directory` holds anything chronyd does not put there.
    static func refuseForeignEntries(_ owned: OwnedDirectory, directory: Int32) throws {
        let foreign = try entries(of: directory, path: owned.path).filter { !isChronydEntry($0) }.sorted()
        guard foreign.isEmpty else {
            let shown = foreign.prefix(3).map { SettingError.escape($0) }.joined(separator: ", ")
                + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
            throw owned.refusal("an empty directory or chronyd's own: run would give it to the chrony user, "
                + "and it holds files chronyd does not put there (\(shown))")
        }
    }

    /// The names in the open `directory` (without `.` and `..`), read through a duplicate of
    /// the descriptor so the caller's stays open.
    static func entries(of directory: Int32, path: String) throws -> [String] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            throw RunSetupError("cannot list \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates the missing parents of `path` (0755; the last component is not created unless
    /// `path` ends with `/`) and returns the parent, opened.
    static func makeParents(_ path: String) throws -> Int32 {
        var components = path.split(separator: "/")
        if !path.hasSuffix("/") { components.removeLast() }
        var prefix = ""
        for component in components {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw RunSetupError("cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
        let parent = open(prefix.isEmpty ? "/" : prefix, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { throw RunSetupError("cannot open \(prefix): \(String(cString: strerror(errno)))") }
        return parent
    }
}

/// `run` could not prepare chronyd's files or directories, or start it; nothing was started.
public struct RunSetupError: ReportableError {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var exitCode: Int32 { ExitStatus.failure }
}
