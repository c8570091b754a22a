import ChronyKit

/// The installed chronyd's version, from `chronyd -v` (exits at once; touches nothing).
public enum ChronydVersion {
    /// The version `chronyd` reports; nil when it cannot be run or says no version (then the
    /// rendered chrony.conf keeps to what every supported chrony accepts).
    public static func detect(_ chronyd: String) -> ChronyVersion? {
        guard let run = try? CapturedRun.run(chronyd, arguments: ["-v"], timeout: .seconds(5)), run.status == .exited(0)
        else { return nil }
        return ChronyVersion.parse(versionOutput: run.stdout + run.stderr)
    }
}
