import Foundation
import Mustache

/// The chrony.conf templates: one per role plus shared partials, parsed once.
public struct TemplateSet: Sendable {
    /// Where the templates came from: a directory path, or "built-in".
    public let origin: String
    let library: MustacheLibrary

    /// Template names every set must have.
    public static let requiredNames = ["relay.conf", "gateway.conf", "header", "serving", "common"]

    /// The templates built into the binary.
    public static func builtin() throws(TemplateError) -> TemplateSet {
        try TemplateSet(sources: BuiltinTemplates.all, origin: "built-in")
    }

    /// Reads `*.mustache` from `directory`. Every required template must be there.
    public static func load(directory: String) throws(TemplateError) -> TemplateSet {
        var sources: [String: String] = [:]
        for name in requiredNames {
            let path = directory + "/" + name + ".mustache"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TemplateError(template: path, message: "cannot be read")
            }
            sources[name] = text
        }
        return try TemplateSet(sources: sources, origin: directory)
    }

    /// The first usable set: `preferred` (an error if it is unusable), then `installed`
    /// when it exists, then the built-in copy.
    public static func locate(preferred: String?, installed: [String] = [TemplateSet.installedDirectory]) throws(TemplateError) -> TemplateSet {
        if let preferred { return try load(directory: preferred) }
        for directory in installed where FileManager.default.fileExists(atPath: directory + "/relay.conf.mustache") {
            return try load(directory: directory)
        }
        return try builtin()
    }

    /// Where the container image installs conf-templates/.
    public static let installedDirectory = "/usr/share/chronyvisor/conf-templates"

    init(sources: [String: String], origin: String) throws(TemplateError) {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch {
                throw TemplateError(template: "\(origin)/\(name).mustache", message: "does not parse: \(error)")
            }
        }
        self.library = library
        self.origin = origin
    }

    func render(_ context: [String: Any], template: String) throws(TemplateError) -> String {
        guard let text = library.render(context, withTemplate: template) else {
            throw TemplateError(template: "\(origin)/\(template).mustache", message: "is missing")
        }
        return text
    }
}

/// A template that is missing or does not parse.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public let template: String
    public let message: String
    public var description: String { "template \(template) \(message)" }
}
