import ChronyKit

/// Finds and reads the chrony.conf templates: `CHRONYVISOR_TEMPLATES` when given, else the
/// image's installed copy, else the set built into the binary.
public enum TemplateDirectory {
    /// Reads `*.mustache` from `directory`. Every required template must be there.
    public static func load(_ directory: String) throws(TemplateError) -> TemplateSet {
        var sources: [String: String] = [:]
        for name in TemplateSet.requiredNames {
            let path = TemplateSet.path(of: name, origin: directory)
            do {
                sources[name] = try SystemFile.text(at: path)
            } catch {
                throw TemplateError(template: path, message: "cannot be read (\(error.reason))")
            }
        }
        return try TemplateSet(sources: sources, origin: directory)
    }

    /// The first usable set: `preferred` (an error if it is unusable), then `installed`
    /// when it exists, then the built-in copy.
    public static func locate(preferred: String?, installed: [String] = [TemplateSet.installedDirectory]) throws(TemplateError) -> TemplateSet {
        if let preferred { return try load(preferred) }
        for directory in installed where SystemFile.exists(TemplateSet.path(of: "relay.conf", origin: directory)) {
            return try load(directory)
        }
        return try TemplateSet.builtin()
    }
}
