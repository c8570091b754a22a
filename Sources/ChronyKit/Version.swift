import CBuildStamp

/// The version of chronyvisor, printed by `--version` and written into generated files.
///
/// `current` is the project's one version source: the release scripts, the Debian package
/// and the image labels read it from this file (`project_version` in scripts/lib/common.sh).
public enum ChronyvisorVersion {
    /// Semantic version of this build.
    public static let current = "0.2.0"

    /// The commit the binary was built from (40 hex digits, with `-dirty` when the work tree
    /// had changes), or "unknown" for a build that scripts/build-release.sh did not stamp
    /// (a debug build, `swift build` by hand).
    public static var commit: String { String(cString: chronyvisor_build_commit()) }

    /// The line `chronyvisor --version` prints: "0.2.0 (commit 1a2b…)".
    public static var line: String { "\(current) (commit \(commit))" }
}
