import ChronyKit
import TestSupport

/// Settings from the environment (`ChronySettings.resolve`, `HealthSettings.resolve`,
/// `SupervisionSettings.resolve`) and the chrony.conf rendered from them.
enum SettingsTarget {
    /// The input is an environment: `NAME=VALUE` lines (the value may hold any byte but a
    /// newline).
    static let target = FuzzTarget(
        name: "settings",
        summary: "raw environment values through the settings resolvers: refused with one line naming a variable, or rendered into a chrony.conf with exactly the directives the settings ask for",
        dictionary: SettingsTable.groups.flatMap(\.keys).map { $0.environmentName + "=" }
            + ["relay", "gateway", "true", "false", "yes", "no", "all", ",", ":", "[", "]", "/", "::1", "127.0.0.1",
               "10.0.0.0/8", "fd00::/8", "time.cloudflare.com", "chrony-local1", ":123", "\n", "info", "warning",
               "error", "fatal", "500ms", "2s", "5m", "1h", "running", "synchronised", "/tmp/x", "0", "-6", "24", "65535"],
        seeds: { _ in
            GoldenCases.all.map { Array($0.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined().utf8) }
                + BadInputCases.all.map { Array($0.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined().utf8) }
        },
        run: { bytes throws(FuzzFailure) in try check(bytes) })

    /// Every variable and flag a `SettingError` may name.
    static let names = Set(SettingsTable.groups.flatMap(\.keys).flatMap { [$0.environmentName, $0.flag] })

    /// The directives the built-in templates can write (the first word of their lines).
    static let directives: Set<String> = {
        var words: Set<String> = []
        for text in TemplateTarget.builtin.values {
            for line in text.split(separator: "\n") {
                guard let first = line.first, first.isLowercase else { continue }
                words.insert(String(line.prefix { $0 != " " && $0 != "{" }))
            }
        }
        return words
    }()

    static let renderer = try? ChronyConfRenderer(templates: TemplateSet.builtin())

    static func check(_ bytes: [UInt8]) throws(FuzzFailure) {
        let name = "settings"
        var environment: [String: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
            environment[String(decoding: line[..<equals], as: UTF8.self)] = String(decoding: line[(equals + 1)...], as: UTF8.self)
        }
        let source = SettingsSource(environment: environment)
        func checkError(_ error: SettingError) throws(FuzzFailure) {
            try require(names.contains(error.source), name, "error names \(error.source), no setting")
            try require(!error.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, name,
                        "error has a control character: \(error.description)")
        }
        do throws(SettingError) { _ = try HealthSettings.resolve(source) } catch { try checkError(error) }
        do throws(SettingError) { _ = try SupervisionSettings.resolve(source) } catch { try checkError(error) }
        let settings: ChronySettings
        do throws(SettingError) {
            settings = try ChronySettings.resolve(source)
        } catch {
            try checkError(error)
            return
        }
        let text: String
        do {
            guard let renderer else { throw FuzzFailure(name, "the built-in templates do not parse") }
            text = try renderer.render(settings)
        } catch let failure as FuzzFailure {
            throw failure
        } catch {
            throw FuzzFailure(name, "accepted settings do not render: \(error)")
        }
        try check(text, asks: settings)
    }

    /// The config has only the built-in directives, one line each, and the lines that
    /// depend on the settings are there exactly when the settings ask for them.
    static func check(_ text: String, asks settings: ChronySettings) throws(FuzzFailure) {
        let name = "settings"
        try require(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F }, name,
                    "config has a control character:\n\(text)")
        var counts: [String: Int] = [:]
        var servers: [Substring] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ")
            guard let directive = words.first.map(String.init) else { continue }
            try require(directives.contains(directive), name, "directive \(directive) no template writes:\n\(text)")
            counts[directive, default: 0] += 1
            if directive == "server" { servers.append(words.dropFirst().first ?? "") }
        }
        try require(servers == settings.servers.map { Substring($0.host.description) }, name,
                    "server lines \(servers) for servers \(settings.servers)")
        let allows: Int
        switch settings.allow {
        case .all: allows = 1
        case .networks(let networks): allows = networks.count
        }
        try require(counts["allow", default: 0] == allows, name, "\(counts["allow", default: 0]) allow lines for \(settings.allow)")
        try require((counts["local", default: 0] == 1) == (settings.localStratum != nil), name, "local stratum line for \(String(describing: settings.localStratum))")
        try require((counts["noclientlog", default: 0] == 1) == settings.noClientLog, name, "noclientlog line for \(settings.noClientLog)")
        try require((counts["ntsservercert", default: 0] == 1) == (settings.nts.server != nil), name, "ntsservercert without NTS_SERVER_CERT")
        try require((counts["ntstrustedcerts", default: 0] == 1) == (settings.nts.trustedCerts != nil), name, "ntstrustedcerts without NTS_TRUSTED_CERTS")
        for (directive, count) in counts where !["server", "allow"].contains(directive) {
            try require(count == 1, name, "\(directive) written \(count) times")
        }
    }
}
