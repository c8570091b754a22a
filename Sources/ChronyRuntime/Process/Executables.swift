import ChronyKit
/// Finds chronyd and chronyc: the configured path, else PATH, else the Debian locations.
public enum Executables {
    public static func chronyd(_ settings: ChronySettings) -> String? {
        settings.chronydPath ?? find("chronyd", fallbacks: ["/usr/sbin/chronyd", "/usr/local/sbin/chronyd"])
    }

    public static func chronyc(_ settings: ChronySettings) -> String? {
        settings.chronycPath ?? find("chronyc", fallbacks: ["/usr/bin/chronyc", "/usr/local/bin/chronyc"])
    }

    /// The first executable `name` on PATH, then in `fallbacks`.
    public static func find(_ name: String, fallbacks: [String] = []) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + fallbacks
        return candidates.first { access($0, X_OK) == 0 }
    }
}
