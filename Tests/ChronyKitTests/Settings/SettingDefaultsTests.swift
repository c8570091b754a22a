import Testing
@testable import ChronyKit

/// Each setting's default is written twice: as text in the catalogue (`SettingKey`, shown in
/// every flag's help, the man pages and the settings reference) and as code (the value
/// `resolve` falls back to). This test ties them: for every setting of the catalogue, the
/// text states the value the code resolves from an empty environment.
@Suite struct SettingDefaultsTests {
    static let relay = try! ChronySettings.resolve(SettingsSource(environment: [:]))
    static let gateway = try! ChronySettings.resolve(SettingsSource(environment: ["NTP_ROLE": "gateway", "NTP_SERVERS": "10.0.0.1,10.0.0.2,10.0.0.3"]))
    static let supervision = try! SupervisionSettings.resolve(SettingsSource(environment: [:]))
    static let health = try! HealthSettings.resolve(SettingsSource(environment: [:]))

    static func seconds(_ value: Double) -> String { DurationValue.format(.microseconds(Int64((value * 1e6).rounded()))) }
    static func off<T>(_ value: T?) -> String { value == nil ? "off" : "set" }

    /// The code's default, as the catalogue's text must state it.
    static let resolved: [SettingKey: String] = [
        .role: relay.role.rawValue,
        .servers: "relay: " + relay.servers.map(\.description).joined(separator: ","),
        // Without NTP_SERVERS_BY_INDEX a node index changes nothing; without a node index the
        // per-node lists are refused.
        .serversByIndex: (try? ChronySettings.resolve(SettingsSource(environment: ["NODE_INDEX": "1"])))?.servers == relay.servers ? "off" : "?",
        .nodeIndex: (try? ChronySettings.resolve(SettingsSource(environment: ["NTP_SERVERS_BY_INDEX": "10.0.0.1;10.0.0.2"]))) == nil ? "none" : "?",
        .enableNTS: "\(relay.enableNTS)",
        .allow: relay.allow == .privateNetworks ? "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7" : "?",
        .port: "\(relay.port)",
        .minPoll: "relay: \(relay.minPoll); gateway: \(gateway.minPoll)",
        .maxPoll: "relay: \(relay.maxPoll); gateway: \(gateway.maxPoll)",
        .minSources: "relay: \(relay.minSources); gateway: \(gateway.minSources)",
        .localStratum: off(relay.localStratum),
        .clockControl: "\(relay.clockControl)",
        .noClientLog: "\(relay.noClientLog)",
        .logLevel: "\(relay.logLevel.rawValue)",
        .leapSmearMix: relay.leapSmearMix.rawValue,
        .leapSecondsList: relay.leapSecondsList ?? "off",
        .chronyConf: relay.paths.configFile,
        .runDirectory: relay.paths.runDirectory,
        .stateDirectory: relay.paths.stateDirectory,
        .confDirectory: relay.paths.confDirectory,
        .ntsServerCert: off(relay.nts.server.map(\.certificate)),
        .ntsServerKey: off(relay.nts.server.map(\.key)),
        .ntsServerKeys: off(relay.nts.serverKeys),
        .ntsPort: "\(relay.nts.port)",
        .stopGrace: DurationValue.format(supervision.stopGrace),
        .restartMax: "\(supervision.restartPolicy.maxRestarts)",
        .restartWindow: DurationValue.format(supervision.restartPolicy.window),
        .readyWhen: health.readiness.readyWhen.rawValue,
        .pollInterval: DurationValue.format(supervision.pollInterval),
        .unresponsiveTimeout: DurationValue.format(supervision.unresponsiveTimeout),
        .healthListen: health.listen.description,
        .healthMaxOffset: seconds(health.thresholds.maxOffset),
        .healthMaxRootDistance: seconds(health.thresholds.maxRootDistance),
        .healthStartGrace: seconds(health.thresholds.startGrace),
        .healthDegradedOK: "\(health.readiness.degradedIsReady)",
        .healthServedTime: health.servedTime == .loopback ? "true" : "?",
    ]

    /// Settings whose default is found at run time, not resolved here: the text says where
    /// it is looked for, and the resolved value is "not given".
    static let foundAtRunTime: [SettingKey: Bool] = [
        .templateDirectory: relay.templateDirectory == nil,
        .chronydPath: relay.chronydPath == nil,
        .chronycPath: relay.chronycPath == nil,
        .chronyUser: supervision.chronyUser == nil,
        .ntsTrustedCerts: relay.nts.trustedCerts == nil,
    ]

    static let catalogue = SettingKey.chronySettings + SettingKey.supervisionSettings + SettingKey.healthSettings

    @Test func everySettingIsCoveredOnce() {
        #expect(Set(Self.catalogue).count == Self.catalogue.count, "a setting listed twice")
        #expect(Set(Self.catalogue) == Set(Self.resolved.keys).union(Self.foundAtRunTime.keys))
        #expect(Set(Self.resolved.keys).isDisjoint(with: Self.foundAtRunTime.keys))
        let flags = Self.catalogue.map(\.flagName)
        #expect(Set(flags).count == flags.count, "two settings share a flag")
    }

    @Test(arguments: SettingDefaultsTests.resolved.sorted { $0.key.environmentName < $1.key.environmentName })
    func theHelpStatesTheDefaultTheCodeUses(_ entry: (key: SettingKey, value: String)) {
        #expect(entry.key.defaultDescription.hasPrefix(entry.value),
                "\(entry.key): the help says \"\(entry.key.defaultDescription)\", the code uses \(entry.value)")
    }

    @Test func aGatewayNeedsItsServers() {
        #expect(SettingKey.servers.defaultDescription.hasSuffix("gateway: required"))
        #expect(throws: SettingError.self) { try ChronySettings.resolve(SettingsSource(environment: ["NTP_ROLE": "gateway"])) }
    }

    @Test(arguments: SettingDefaultsTests.foundAtRunTime.sorted { $0.key.environmentName < $1.key.environmentName })
    func runTimeDefaultsAreNotGiven(_ entry: (key: SettingKey, value: Bool)) {
        #expect(entry.value, "\(entry.key) resolves to a value: state it in the catalogue's default")
    }
}
