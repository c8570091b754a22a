/// Bad settings that must be refused with exit 78 and a message naming the variable or flag.
/// Shared by the pure validation tests and the process-level tests in RuntimeTests (which
/// also check that nothing is written).
public enum BadInputCases {
    public struct Case: Sendable, CustomStringConvertible {
        /// Environment of the case.
        public let environment: [String: String]
        /// Flags of the case (name without dashes -> value).
        public let flags: [String: String]
        /// The name the error must mention.
        public let names: String
        /// The same case expecting another name in the error.
        func with(names: String) -> Case { Case(environment: environment, flags: flags, names: names) }

        public var description: String {
            (environment.map { "\($0.key)=\(SettingErrorEscape.escape($0.value))" }
             + flags.map { "--\($0.key) \(SettingErrorEscape.escape($0.value))" }).sorted().joined(separator: " ")
        }
    }

    static func env(_ name: String, _ value: String, extra: [String: String] = [:]) -> Case {
        Case(environment: extra.merging([name: value]) { $1 }, flags: [:], names: name)
    }

    static func flag(_ name: String, _ value: String, extra: [String: String] = [:]) -> Case {
        Case(environment: extra, flags: [name: value], names: "--\(name)")
    }

    static let gateway = ["NTP_ROLE": "gateway"]

    public static let all: [Case] = [
        // Injection attempts: a newline, '#', ';', spaces, control characters, quotes.
        env("NTP_SERVERS", "pool.ntp.org\nallow all"),
        env("NTP_SERVERS", "pool.ntp.org\rallow all"),
        env("NTP_SERVERS", "time.example.com # comment"),
        env("NTP_SERVERS", "time.example.com#x"),
        env("NTP_SERVERS", "a.example.com;b.example.com"),
        // Per-node servers: a bad list in any entry, a missing or bad node index.
        env("NTP_SERVERS_BY_INDEX", "a.example.com;b.example.com iburst", extra: ["NODE_INDEX": "0"]),
        env("NTP_SERVERS_BY_INDEX", "a.example.com;b.example.com\nallow all", extra: ["NODE_INDEX": "1"]),
        env("NODE_INDEX", "chronyvisor-relay", extra: ["NTP_SERVERS_BY_INDEX": "a.example.com"]),
        env("NODE_INDEX", "-1", extra: ["NTP_SERVERS_BY_INDEX": "a.example.com"]),
        env("NTP_SERVERS_BY_INDEX", "a.example.com").with(names: "NODE_INDEX"),
        flag("node-index", "relay-x", extra: ["NTP_SERVERS_BY_INDEX": "a.example.com"]),
        env("NTP_SERVERS", "time.example.com iburst"),
        env("NTP_SERVERS", "time.example.com\u{0}"),
        env("NTP_SERVERS", "time.example.com\t"),
        env("NTP_SERVERS", "\"time.example.com\""),
        env("NTP_SERVERS", "tïme.example.com"),
        env("NTP_ALLOW", "10.0.0.0/8\nallow all"),
        env("NTP_ALLOW", "10.0.0.0/8 # all"),
        env("CHRONY_CONF_DIR", "/etc/chrony/conf.d\ninclude /etc/passwd"),
        env("CHRONY_RUN_DIR", "/run/chrony dir"),
        env("CHRONY_STATE_DIR", "relative/state"),
        flag("servers", "ok.example.com\nlocal stratum 1"),
        // Malformed hosts.
        env("NTP_SERVERS", "-bad.example.com"),
        env("NTP_SERVERS", "bad-.example.com"),
        env("NTP_SERVERS", "a..example.com"),
        env("NTP_SERVERS", String(repeating: "a", count: 64) + ".example.com"),
        env("NTP_SERVERS", "under_score.example.com"),
        env("NTP_SERVERS", "300.1.1.1"),
        env("NTP_SERVERS", "1.2.3"),
        env("NTP_SERVERS", "[fe80::1"),
        env("NTP_SERVERS", "[not-an-address]"),
        env("NTP_SERVERS", "fd00::1:123:zz"),
        env("NTP_SERVERS", "a.example.com,,b.example.com"),
        env("NTP_SERVERS", ","),
        // Ports.
        env("NTP_SERVERS", "time.example.com:0"),
        env("NTP_SERVERS", "time.example.com:65536"),
        env("NTP_SERVERS", "time.example.com:ntp"),
        env("NTP_SERVERS", "[::1]:"),
        env("NTP_PORT", "0"),
        env("NTP_PORT", "70000"),
        env("NTP_PORT", "-1"),
        env("NTP_PORT", "12a"),
        flag("port", "+123"),
        // CIDRs.
        env("NTP_ALLOW", "10.0.0.0/33"),
        env("NTP_ALLOW", "10.0.0/8"),
        env("NTP_ALLOW", "fd00::/129"),
        env("NTP_ALLOW", "10.0.0.0/"),
        env("NTP_ALLOW", "everyone"),
        env("NTP_ALLOW", "10.0.0.0/8,"),
        // Booleans and numbers in range.
        env("ENABLE_NTS", "maybe"),
        env("CLOCK_CONTROL", "2"),
        env("NOCLIENTLOG", "truee"),
        env("NTP_MINPOLL", "-7"),
        env("NTP_MAXPOLL", "25"),
        env("NTP_MINPOLL", "six"),
        Case(environment: ["NTP_MINPOLL": "8", "NTP_MAXPOLL": "4"], flags: [:], names: "NTP_MAXPOLL"),
        env("LOCAL_STRATUM", "0"),
        env("LOCAL_STRATUM", "16"),
        env("LOG_LEVEL", "verbose"),
        env("NTP_MIN_SOURCES", "0"),
        env("NTP_MIN_SOURCES", "4", extra: ["NTP_ROLE": "gateway", "NTP_SERVERS": "a,b,c"]),
        flag("min-sources", "2", extra: ["NTP_SERVERS": "only.example.com"]),
        // NTS: paths, the pair given together, the port.
        env("NTS_SERVER_CERT", "/etc/nts/cert.pem").with(names: "NTS_SERVER_KEY"),
        env("NTS_SERVER_KEY", "/etc/nts/key.pem").with(names: "NTS_SERVER_CERT"),
        flag("nts-server-cert", "/etc/nts/cert.pem").with(names: "--nts-server-key"),
        env("NTS_SERVER_CERT", "cert.pem", extra: ["NTS_SERVER_KEY": "/etc/nts/key.pem"]),
        env("NTS_SERVER_KEY", "/etc/nts/key.pem\nallow all", extra: ["NTS_SERVER_CERT": "/etc/nts/cert.pem"]),
        env("NTS_TRUSTED_CERTS", "/etc/nts/ca dir"),
        env("NTS_PORT", "0"),
        env("NTS_PORT", "65536"),
        // Roles and the gateway's required sources.
        env("NTP_ROLE", "server"),
        env("NTP_ROLE", "gateway "),
        flag("role", "RELAY\n"),
        Case(environment: gateway, flags: [:], names: "NTP_SERVERS"),
        Case(environment: gateway.merging(["NTP_SERVERS": ""]) { $1 }, flags: [:], names: "NTP_SERVERS"),
    ]
}

/// The escaping used in test names (the same rule as SettingError's messages).
public enum SettingErrorEscape {
    public static func escape(_ s: String) -> String {
        s.unicodeScalars.map { $0.value < 0x20 || $0.value > 0x7E ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    }
}
