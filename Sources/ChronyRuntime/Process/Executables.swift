import ChronyKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Finds chronyd and chronyc: the configured path, else PATH, else the Debian locations.
public enum Executables {
    public static func chronyd(_ settings: ChronySettings) -> String? {
        settings.chronydPath ?? find("chronyd", fallbacks: ["/usr/sbin/chronyd", "/usr/local/sbin/chronyd"])
    }

    public static func chronyc(_ settings: ChronySettings) -> String? {
        settings.chronycPath ?? find("chronyc", fallbacks: ["/usr/bin/chronyc", "/usr/local/bin/chronyc"])
    }

    /// `path` when it is executable; else a `SettingError` (exit 78) naming `key` as given
    /// (flag or variable), so a wrong `CHRONYD_PATH` is one line that says which setting.
    public static func require(_ path: String?, key: SettingKey, name: String,
                               source: SettingsSource) throws(SettingError) -> String {
        var info = stat()
        // A directory passes access(X_OK) for root: a regular file is required too.
        guard let path, access(path, X_OK) == 0, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            let raw = source.raw(key)
            throw SettingError(source: raw?.sourceName ?? key.environmentName, value: raw?.value,
                               expected: "an executable \(name) (none found on PATH or in the usual places)")
        }
        return path
    }

    /// The first executable `name` on PATH, then in `fallbacks`.
    public static func find(_ name: String, fallbacks: [String] = []) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + fallbacks
        return candidates.first { access($0, X_OK) == 0 }
    }
}
