/// The chrony.conf templates: one per role plus shared partials, parsed once and checked
/// as a set (every partial a template names exists, none includes itself).
public struct TemplateSet: Sendable {
    /// Where the templates came from: a directory path, or "built-in".
    public let origin: String
    let templates: [String: [TemplateNode]]

    /// Template names every set must have.
    public static let requiredNames = ["relay.conf", "gateway.conf", "header", "serving", "common"]

    /// Where the container image installs conf-templates/.
    public static let installedDirectory = "/usr/share/chronyvisor/conf-templates"

    /// The templates built into the binary.
    public static func builtin() throws(TemplateError) -> TemplateSet {
        try TemplateSet(sources: BuiltinTemplates.all, origin: "built-in")
    }

    /// The file a template of a set from `origin` is read from, as errors name it.
    public static func path(of name: String, origin: String) -> String {
        "\(origin)/\(name).mustache"
    }

    /// Parses every template of `sources` (name → text) and checks their partials.
    public init(sources: [String: String], origin: String) throws(TemplateError) {
        var templates: [String: [TemplateNode]] = [:]
        for name in sources.keys.sorted() {
            templates[name] = try TemplateParser.parse(sources[name] ?? "", file: Self.path(of: name, origin: origin))
        }
        self.templates = templates
        self.origin = origin
        for name in templates.keys.sorted() {
            try checkPartials(of: name, including: [name])
        }
    }

    /// Renders the template `template` with `context`.
    public func render(_ context: TemplateValue, template: String) throws(TemplateError) -> String {
        guard let nodes = templates[template] else {
            throw TemplateError(template: Self.path(of: template, origin: origin), message: "is missing")
        }
        return TemplateRenderer(templates: templates).render(nodes, context: context)
    }

    /// Every partial `name` reaches exists, and none leads back into `chain` (a template
    /// that includes itself would render forever).
    private func checkPartials(of name: String, including chain: [String]) throws(TemplateError) {
        for (partial, line) in Self.partials(in: templates[name] ?? []) {
            let file = Self.path(of: name, origin: origin)
            guard templates[partial] != nil else {
                throw TemplateError(template: file, line: line,
                                    message: "expected a template of the set after '{{>' (\(templates.keys.sorted().joined(separator: ", "))), found '\(partial)'")
            }
            guard !chain.contains(partial) else {
                throw TemplateError(template: file, line: line,
                                    message: "expected a partial that does not include itself, found '\(partial)' (\((chain + [partial]).joined(separator: " > ")))")
            }
            try checkPartials(of: partial, including: chain + [partial])
        }
    }

    private static func partials(in nodes: [TemplateNode]) -> [(name: String, line: Int)] {
        nodes.flatMap { node -> [(name: String, line: Int)] in
            switch node {
            case .partial(let name, _, let line): [(name, line)]
            case .section(_, _, let children, _): partials(in: children)
            case .text, .variable: []
            }
        }
    }
}

/// A template that is missing, cannot be read or does not parse. `line` is where the
/// problem is, when it is in the text.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public let template: String
    public let line: Int?
    public let message: String

    public init(template: String, line: Int? = nil, message: String) {
        self.template = template
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "template \(template) line \(line): \(message)" }
        return "template \(template) \(message)"
    }
}
