/// Renders chrony.conf for a node's role from validated settings. Pure: same settings and
/// templates, same text.
public struct ChronyConfRenderer: Sendable {
    public let templates: TemplateSet

    public init(templates: TemplateSet) {
        self.templates = templates
    }

    /// - Parameter leapSeconds: where chronyd reads leap seconds (`LeapSecondsSource.choose`);
    ///   the time zone unless the installed chrony is known to read a list.
    public func render(_ settings: ChronySettings, leapSeconds: LeapSecondsSource = .timeZone) throws(TemplateError) -> String {
        let text = try templates.render(Self.context(for: settings, leapSeconds: leapSeconds), template: "\(settings.role.rawValue).conf")
        return Self.squeezeBlankLines(text)
    }

    /// The values the templates see. Every one has passed validation.
    static func context(for s: ChronySettings, leapSeconds: LeapSecondsSource = .timeZone) -> TemplateValue {
        var context: [String: TemplateValue] = [
            "version": .string(ChronyvisorVersion.current),
            "role": .string(s.role.rawValue),
            "servers": .list(s.servers.map { source -> TemplateValue in
                var line: [String: TemplateValue] = ["host": .string(source.host.description), "nts": .bool(s.enableNTS)]
                if let port = source.port { line["sourcePort"] = .string(String(port)) }
                // chronyd asks NTS-KE on 4460 unless the source line says otherwise.
                if s.enableNTS, s.nts.port != NTSSettings.defaultPort { line["ntsSourcePort"] = .string(String(s.nts.port)) }
                return .object(line)
            }),
            "minPoll": .string(String(s.minPoll)),
            "maxPoll": .string(String(s.maxPoll)),
            "minSources": .string(String(s.minSources)),
            "port": .string(String(s.port)),
            "noClientLog": .bool(s.noClientLog),
            "commandSocket": .string(s.paths.commandSocket),
            "pidFile": .string(s.paths.pidFile),
            "driftFile": .string(s.paths.driftFile),
            "stateDirectory": .string(s.paths.stateDirectory),
            "confDirectory": .string(s.paths.confDirectory),
            "given": .list(s.givenSettings.map { .object(["name": .string($0.key.environmentName), "value": .string($0.value)]) }),
        ]
        switch s.allow {
        case .all: context["allowAll"] = .bool(true)
        case .networks(let networks): context["allow"] = .list(networks.map { .string($0.description) })
        }
        context["ntsServer"] = .list(s.nts.server.map { server -> [TemplateValue] in
            [.object(["certificate": .string(server.certificate), "key": .string(server.key),
                      "ntsPort": .string(String(s.nts.port)),
                      "sharedKeys": .list(s.nts.serverKeys.map { [.string($0)] } ?? [])])]
        } ?? [])
        context["ntsTrustedCerts"] = .list(s.nts.trustedCerts.map { [.string($0)] } ?? [])
        if case .list(let path) = leapSeconds { context["leapSecondsList"] = .list([.string(path)]) }
        if let stratum = s.localStratum { context["localStratum"] = .string(String(stratum)) }
        return .object(context)
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
