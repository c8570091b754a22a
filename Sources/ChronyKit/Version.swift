/// The version string of chronyvisor, printed by `--version` and written into generated files.
public enum ChronyvisorVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
