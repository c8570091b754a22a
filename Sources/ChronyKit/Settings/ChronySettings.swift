/// Validated settings for rendering chrony.conf and running chronyd. Built only through
/// `resolve(_:)`, so every value in it has passed validation.
public struct ChronySettings: Sendable, Equatable {
    public var role: Role
    public var servers: [NTPSource]
    public var enableNTS: Bool
    /// NTS: what this node serves and what its NTS sources are verified against.
    public var nts: NTSSettings
    public var allow: AllowList
    public var port: UInt16
    public var minPoll: Int
    public var maxPoll: Int
    public var minSources: Int
    public var localStratum: Int?
    public var clockControl: Bool
    public var noClientLog: Bool
    public var logLevel: ChronydLogLevel
    /// LEAP_SMEAR_MIX: whether servers may mix leap-smearing and non-smearing services.
    public var leapSmearMix: LeapSmearMix
    /// LEAP_SECONDS_LIST: the leap-second list's path; nil when `off`.
    public var leapSecondsList: String?
    /// Whether LEAP_SECONDS_LIST was given (then the file must be readable) or is the default.
    public var leapSecondsListGiven: Bool
    public var paths: ChronyPaths
    /// Directory of templates to prefer over the built-in ones (nil: look in the default places).
    public var templateDirectory: String?
    /// Explicit chronyd / chronyc executables (nil: search PATH).
    public var chronydPath: String?
    public var chronycPath: String?
    /// Every raw value that was set, for the generated file's header.
    public var givenSettings: [RawSetting]

    /// The relay's upstream when NTP_SERVERS is not set: four independent operators, none of
    /// which smears leap seconds (docs/explanation/time-faults.md names each one's
    /// documentation). Three or more let chrony outvote a falseticker.
    public static let defaultRelayServers = ["time.cloudflare.com", "ntp.netnod.se", "ptbtime1.ptb.de", "time.nist.gov"]
        .map { NTPSource(host: .name($0)) }

    /// Default poll bounds per role. Relays ask public servers: chrony's own polite defaults
    /// (64 s to 1024 s). The gateway's links are local and its relays are ours: poll every
    /// 1 s to 16 s, so a lost relay is noticed within seconds and a start-up burst (which
    /// chronyd runs at the shorter of 2 s and minpoll) takes 1 s steps (see StartupBurstPolicy).
    public static func defaultPollBounds(for role: Role) -> (min: Int, max: Int) {
        role == .relay ? (6, 10) : (0, 4)
    }

    /// Validates every setting in `source`. Throws the first error, naming the variable or flag.
    public static func resolve(_ source: SettingsSource) throws(SettingError) -> ChronySettings {
        let v = Validator(source: source)
        let role = try v.value(.role, expected: "relay or gateway") { Role(rawValue: $0.lowercased()) } ?? .relay

        let serversExpected = "comma-separated host names, IPv4 or [IPv6] addresses, each with an optional :port (1-65535)"
        let servers: [NTPSource]
        let serversRaw = try nodeServers(source, v, expected: serversExpected) ?? source.raw(.servers)
        if let raw = serversRaw {
            servers = try v.list(raw, expected: serversExpected, NTPSource.parse)
        } else if role == .relay {
            servers = defaultRelayServers
        } else {
            throw SettingError(source: SettingKey.servers.environmentName, value: nil,
                expected: "the gateway's sources (the relays), e.g. NTP_SERVERS=chrony-local1,chrony-local2,chrony-local3")
        }

        let enableNTS = try v.bool(.enableNTS) ?? false
        let nts = try NTSSettings.resolve(v)
        let allow: AllowList
        if let raw = source.raw(.allow) {
            if raw.value.lowercased() == "all" {
                allow = .all
            } else {
                allow = .networks(try v.list(raw, expected: "`all` or comma-separated addresses or CIDRs such as 10.0.0.0/8 or fd00::/8", CIDR.parse))
            }
        } else {
            allow = .privateNetworks
        }
        let port = try v.value(.port, expected: "a UDP port number 1-65535", Port.parse) ?? 123
        let defaults = defaultPollBounds(for: role)
        let minPoll = try v.int(.minPoll, in: -6...24) ?? defaults.min
        let maxPoll = try v.int(.maxPoll, in: -6...24) ?? max(defaults.max, minPoll)
        if maxPoll < minPoll {
            let raw = source.raw(.maxPoll) ?? source.raw(.minPoll)!
            throw SettingError(raw, expected: "NTP_MAXPOLL (\(maxPoll)) not below NTP_MINPOLL (\(minPoll))")
        }
        let minSources = try v.int(.minSources, in: 1...servers.count, expectedSuffix: " (at most the number of NTP_SERVERS, \(servers.count))")
            ?? min(role == .gateway ? 2 : 1, servers.count)
        let localStratum = try v.int(.localStratum, in: 1...15)
        let clockControl = try v.bool(.clockControl) ?? false
        let noClientLog = try v.bool(.noClientLog) ?? false
        let logLevel = try v.value(.logLevel, expected: "0-3 or info, warning, error, fatal", ChronydLogLevel.parse) ?? .info
        let leapSmearMix = try v.value(.leapSmearMix, expected: LeapSmearMix.expected) { LeapSmearMix(rawValue: $0.lowercased()) } ?? .refuse
        // Only given servers can mix (the default is one service). The servers are the bad
        // input; the message names LEAP_SMEAR_MIX as the knowing way out.
        if leapSmearMix == .refuse, let raw = serversRaw, let problem = LeapSmearCheck.mixProblem(servers) {
            throw SettingError(raw, expected: problem)
        }
        let leapSecondsList: String?
        if let raw = source.raw(.leapSecondsList), ["off", "false", "no", "none"].contains(raw.value.lowercased()) {
            leapSecondsList = nil
        } else {
            leapSecondsList = try v.path(.leapSecondsList) ?? LeapSecondsList.defaultPath
        }

        let paths = ChronyPaths(
            configFile: try v.path(.chronyConf) ?? "/etc/chrony/chrony.conf",
            runDirectory: try runDirectory(source),
            stateDirectory: try v.ownedDirectory(.stateDirectory) ?? "/var/lib/chrony",
            confDirectory: try v.path(.confDirectory) ?? "/etc/chrony/conf.d")
        return ChronySettings(
            role: role, servers: servers, enableNTS: enableNTS, nts: nts, allow: allow, port: port,
            minPoll: minPoll, maxPoll: maxPoll, minSources: minSources, localStratum: localStratum,
            clockControl: clockControl, noClientLog: noClientLog, logLevel: logLevel,
            leapSmearMix: leapSmearMix, leapSecondsList: leapSecondsList,
            leapSecondsListGiven: source.raw(.leapSecondsList) != nil, paths: paths,
            templateDirectory: try v.path(.templateDirectory),
            chronydPath: try v.path(.chronydPath), chronycPath: try v.path(.chronycPath),
            givenSettings: SettingKey.chronySettings.compactMap(source.raw))
    }
}

extension ChronySettings {
    /// This node's own entry of NTP_SERVERS_BY_INDEX (`PerNodeServers`), nil when there is
    /// none (NTP_SERVERS applies). Every entry is checked, not only this node's: a mistake in
    /// one relay's list fails `config --check` on each of them.
    /// NODE_INDEX is checked whenever it is given, with or without NTP_SERVERS_BY_INDEX, as
    /// every setting is: it is echoed into the generated configuration's header.
    static func nodeServers(_ source: SettingsSource, _ v: Validator, expected: String) throws(SettingError) -> RawSetting? {
        if let given = source.raw(.nodeIndex), PerNodeServers.index(given.value) == nil {
            throw SettingError(given, expected: PerNodeServers.indexExpected)
        }
        guard let raw = source.raw(.serversByIndex) else { return nil }
        for entry in PerNodeServers.entries(raw.value) where !entry.isEmpty {
            _ = try v.list(RawSetting(key: raw.key, value: entry, origin: raw.origin),
                           expected: "`;`-separated lists of \(expected)", NTPSource.parse)
        }
        guard let indexRaw = source.raw(.nodeIndex) else {
            throw SettingError(source: SettingKey.nodeIndex.environmentName, value: nil,
                               expected: "\(PerNodeServers.indexExpected), since NTP_SERVERS_BY_INDEX is set")
        }
        guard let index = PerNodeServers.index(indexRaw.value) else { throw SettingError(indexRaw, expected: PerNodeServers.indexExpected) }
        return PerNodeServers.entry(raw.value, index: index).map { RawSetting(key: raw.key, value: $0, origin: raw.origin) }
    }

    /// CHRONY_RUN_DIR alone, validated as `resolve` validates it: `health` reads the
    /// supervisor's verdict file there before it needs any other setting.
    public static func runDirectory(_ source: SettingsSource) throws(SettingError) -> String {
        try Validator(source: source).ownedDirectory(.runDirectory) ?? "/run/chrony"
    }
}

/// The files and directories chronyd uses.
public struct ChronyPaths: Sendable, Equatable {
    public var configFile: String
    public var runDirectory: String
    public var stateDirectory: String
    public var confDirectory: String

    public init(configFile: String, runDirectory: String, stateDirectory: String, confDirectory: String) {
        self.configFile = configFile
        self.runDirectory = runDirectory
        self.stateDirectory = stateDirectory
        self.confDirectory = confDirectory
    }

    /// chronyd's Unix command socket.
    public var commandSocket: String { runDirectory + "/chronyd.sock" }
    public var pidFile: String { runDirectory + "/chronyd.pid" }
    public var driftFile: String { stateDirectory + "/chrony.drift" }
}
