/// Directories of the operating system that `run` must never take over: `/`, the FHS
/// top-level directories and their usual shared children. A run or state directory is a
/// directory of chronyd's own *inside* one of these (`/run/chrony`, `/var/lib/chrony`).
public enum SystemDirectories {
    public static let paths: Set<String> = [
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
        "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
        "/usr", "/var",
        "/etc/chrony", "/run/lock", "/run/user", "/run/systemd",
        "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/local", "/usr/share",
        "/usr/include", "/usr/src", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/local/share",
        "/var/lib", "/var/run", "/var/log", "/var/tmp", "/var/cache", "/var/spool", "/var/mail",
        "/var/lock", "/var/opt", "/var/local", "/var/backups", "/var/www",
    ]

    /// True when `path`, with repeated and trailing slashes removed, is one of `paths`.
    public static func contains(_ path: String) -> Bool {
        paths.contains(normalized(path))
    }

    /// `path` with empty components dropped: `//run/` is `/run`.
    public static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }
}
