import ChronyKit
/// Prepares the directories chronyd needs before each start.
///
/// chronyd silently disables its command socket when the socket's directory is not owned by
/// its user or is accessible to others: the run directory is made 0750 and owned by the
/// chrony account. The state directory (drift file, NTS cookies) must be writable by chronyd
/// after it dropped root: 0750, same owner. Existing files are kept (the drift file survives
/// restarts); only a stale pid file is removed, so a reused pid can never make chronyd
/// believe another instance runs.
public enum RuntimeDirectories {
    public static func prepare(_ paths: ChronyPaths, owner: ChronyAccount?) throws(RunSetupError) {
        try makeDirectory(paths.runDirectory, mode: 0o750, owner: owner)
        try makeDirectory(paths.stateDirectory, mode: 0o750, owner: owner)
        try makeDirectory(paths.confDirectory, mode: 0o755, owner: nil)
        if unlink(paths.pidFile) != 0 && errno != ENOENT {
            throw RunSetupError("cannot remove the stale pid file \(paths.pidFile): \(String(cString: strerror(errno)))")
        }
    }

    /// Creates `path` and its missing parents (0755), then sets the mode and owner of `path`
    /// itself, whether it was new or not. The mode is set before the owner (once the chrony
    /// user owns it, root may change its mode only with CAP_FOWNER, which a hardened container
    /// does not grant), and neither is touched when already right (a directory on a
    /// read-only file system, such as the image's conf.d, is left as it is).
    static func makeDirectory(_ path: String, mode: mode_t, owner: ChronyAccount?) throws(RunSetupError) {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw RunSetupError("cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw RunSetupError("\(path) exists and is not a directory")
        }
        guard info.st_mode & 0o7777 == mode || chmod(path, mode) == 0 else {
            throw RunSetupError("cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
        if let owner, info.st_uid != owner.uid || info.st_gid != owner.gid {
            guard chown(path, owner.uid, owner.gid) == 0 else {
                throw RunSetupError("cannot give \(path) to \(owner.name): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// `run` could not prepare chronyd's files or directories, or start it; nothing was started.
public struct RunSetupError: ReportableError {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var exitCode: Int32 { ExitStatus.failure }
}
