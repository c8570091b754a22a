import ChronyKit
import TestSupport

/// Templates a user supplies (CHRONYVISOR_TEMPLATES, the image's conf-templates): parsed as
/// a set (`TemplateSet`) and rendered for both roles (`ChronyConfRenderer`).
enum TemplateTarget {
    /// The input is up to five templates separated by NUL bytes, in the order of
    /// `TemplateSet.requiredNames`; the built-in text stands in for the ones not given.
    static let target = FuzzTarget(
        name: "templates",
        summary: "a set of conf-templates through TemplateSet and ChronyConfRenderer: refused with one line naming the file and a line in it, or rendered (always ending); text without tags renders as itself",
        dictionary: ["{{", "}}", "{{{", "}}}", "{{#", "{{^", "{{/", "{{> ", "{{!", "{{&", "{{=<% %>=}}", "{{.}}", "\n", " ", "\t",
                     "servers", "host", "nts", "sourcePort", "ntsSourcePort", "minPoll", "maxPoll", "minSources", "port",
                     "noClientLog", "commandSocket", "pidFile", "driftFile", "stateDirectory", "confDirectory", "given",
                     "name", "value", "allowAll", "allow", "ntsServer", "certificate", "key", "ntsPort", "ntsTrustedCerts",
                     "localStratum", "version", "role", "header", "serving", "common", "relay.conf", "gateway.conf", "a.b"],
        seeds: { fixtures in
            let templates = fixtures.templates
            var seeds = [Array(TemplateSet.requiredNames.map { templates[$0] ?? "" }.joined(separator: "\0").utf8)]
            for name in TemplateSet.requiredNames { seeds.append(Array((templates[name] ?? "").utf8)) }
            seeds += fixtures.goldenConfigs.prefix(2).map { Array($0.utf8) }
            return seeds
        },
        run: { bytes throws(FuzzFailure) in try check(bytes) })

    static let settings: [ChronySettings] = ["relay-nts-orphan", "gateway-nts-stand", "relay-offline"].compactMap { name in
        GoldenCases.all.first { $0.name == name }.flatMap { try? ChronySettings.resolve(SettingsSource(environment: $0.environment)) }
    }

    /// conf-templates/ as the repository has it (the built-in set is the same text: a test
    /// checks it).
    static let builtin = Fixtures().templates

    static func check(_ bytes: [UInt8]) throws(FuzzFailure) {
        let name = "templates"
        let parts = bytes.split(separator: 0, maxSplits: TemplateSet.requiredNames.count - 1, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        var sources = builtin
        for (index, part) in parts.enumerated() { sources[TemplateSet.requiredNames[index]] = part }
        let set: TemplateSet
        do throws(TemplateError) {
            set = try TemplateSet(sources: sources, origin: "/fuzz")
        } catch {
            try require(!error.description.contains("\n"), name, "error is not one line: \(error.description)")
            try require(error.template.hasPrefix("/fuzz/") && error.template.hasSuffix(".mustache"), name,
                        "error names \(error.template)")
            if let line = error.line {
                let file = String(error.template.dropFirst("/fuzz/".count).dropLast(".mustache".count))
                let lines = (sources[file] ?? "").utf8.count(where: { $0 == UInt8(ascii: "\n") }) + 1
                try require((1...lines).contains(line), name, "error at line \(line) of a \(lines)-line template")
            }
            return
        }
        for settings in settings {
            let renderer = ChronyConfRenderer(templates: set)
            let first = try? renderer.render(settings)
            try require(first != nil, name, "a parsed set does not render \(settings.role)")
            try require(first == (try? renderer.render(settings)), name, "two renderings differ")
        }
        // Text without a tag is text: it renders as itself.
        for (index, part) in parts.enumerated() where !part.contains("{{") {
            let template = TemplateSet.requiredNames[index]
            let rendered = try? set.render(.object([:]), template: template)
            try require(rendered == part, name, "\(template) without tags rendered as \(String(describing: rendered))")
        }
    }
}
