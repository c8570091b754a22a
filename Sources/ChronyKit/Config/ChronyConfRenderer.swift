/// Renders chrony.conf for a node's role from validated settings. Pure: same settings and
/// templates, same text.
public struct ChronyConfRenderer: Sendable {
    public let templates: TemplateSet

    public init(templates: TemplateSet) {
        self.templates = templates
    }

    public func render(_ settings: ChronySettings) throws(TemplateError) -> String {
        let text = try templates.render(Self.context(for: settings), template: "\(settings.role.rawValue).conf")
        return Self.squeezeBlankLines(text)
    }

    /// The values the templates see. Every one has passed validation.
    static func context(for s: ChronySettings) -> [String: Any] {
        var context: [String: Any] = [
            "version": ChronyvisorVersion.current,
            "role": s.role.rawValue,
            "servers": s.servers.map { source -> [String: Any] in
                var line: [String: Any] = ["host": source.host.description, "nts": s.enableNTS]
                if let port = source.port { line["sourcePort"] = String(port) }
                // chronyd asks NTS-KE on 4460 unless the source line says otherwise.
                if s.enableNTS, s.nts.port != NTSSettings.defaultPort { line["ntsSourcePort"] = String(s.nts.port) }
                return line
            },
            "minPoll": String(s.minPoll),
            "maxPoll": String(s.maxPoll),
            "minSources": String(s.minSources),
            "port": String(s.port),
            "noClientLog": s.noClientLog,
            "commandSocket": s.paths.commandSocket,
            "pidFile": s.paths.pidFile,
            "driftFile": s.paths.driftFile,
            "stateDirectory": s.paths.stateDirectory,
            "confDirectory": s.paths.confDirectory,
            "given": s.givenSettings.map { ["name": $0.key.environmentName, "value": $0.value] },
        ]
        switch s.allow {
        case .all: context["allowAll"] = true
        case .networks(let networks): context["allow"] = networks.map(\.description)
        }
        context["ntsServer"] = s.nts.server.map { server -> [[String: Any]] in
            [["certificate": server.certificate, "key": server.key, "ntsPort": String(s.nts.port)]]
        } ?? []
        context["ntsTrustedCerts"] = s.nts.trustedCerts.map { [$0] } ?? []
        if let stratum = s.localStratum { context["localStratum"] = String(stratum) }
        return context
    }

    /// Collapses runs of blank lines left by empty sections into one.
    static func squeezeBlankLines(_ text: String) -> String {
        var out: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty, out.last?.isEmpty == true { continue }
            out.append(line)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }
}
