/// One setting chronyvisor reads: its environment variable, its equivalent flag, its default
/// and what it means. This catalog is the single source for the CLI's flags, the error
/// messages (which name the variable or the flag) and the settings reference's table.
public struct SettingKey: Hashable, Sendable, CustomStringConvertible {
    /// Environment variable name, e.g. `NTP_SERVERS`.
    public let environmentName: String
    /// Long flag name without dashes, e.g. `servers` for `--servers`.
    public let flagName: String
    /// The default shown to people (the effective default may depend on the role).
    public let defaultDescription: String
    /// One line saying what the setting does.
    public let help: String

    public init(_ environmentName: String, flag: String, default defaultDescription: String, help: String) {
        self.environmentName = environmentName
        self.flagName = flag
        self.defaultDescription = defaultDescription
        self.help = help
    }

    /// The key swift-configuration uses: `NTP_SERVERS` becomes `ntp.servers`, which its
    /// environment provider maps back to `NTP_SERVERS`.
    public var configKey: [String] {
        environmentName.lowercased().split(separator: "_").map(String.init)
    }

    /// `--servers`
    public var flag: String { "--\(flagName)" }

    public var description: String { environmentName }

    public static func == (lhs: SettingKey, rhs: SettingKey) -> Bool {
        lhs.environmentName == rhs.environmentName
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(environmentName)
    }
}

extension SettingKey {
    public static let role = SettingKey(
        "NTP_ROLE", flag: "role", default: "relay",
        help: "`relay` (syncs from upstream servers, serves clients) or `gateway` (syncs from the relays, serves the host and applications).")
    public static let servers = SettingKey(
        "NTP_SERVERS", flag: "servers", default: "relay: time.cloudflare.com,ntp.netnod.se,ptbtime1.ptb.de,time.nist.gov; gateway: required",
        help: "Comma-separated sources: host name, IPv4 or [IPv6], each with an optional :port.")
    public static let serversByIndex = SettingKey(
        "NTP_SERVERS_BY_INDEX", flag: "servers-by-index", default: "off (NTP_SERVERS for every node)",
        help: "Per-node sources for identical replicas (a StatefulSet's relays): `;`-separated lists in NTP_SERVERS's form, entry N for the node whose NODE_INDEX is N (from 0); an empty or missing entry falls back to NTP_SERVERS. Needs NODE_INDEX.")
    public static let nodeIndex = SettingKey(
        "NODE_INDEX", flag: "node-index", default: "none",
        help: "This node's entry in NTP_SERVERS_BY_INDEX: a number from 0, or a name ending in -NUMBER, such as a StatefulSet pod's name (Kubernetes: metadata.name from the downward API).")
    public static let enableNTS = SettingKey(
        "ENABLE_NTS", flag: "nts", default: "false",
        help: "Authenticate the sources with NTS (adds `nts` to each source line).")
    public static let allow = SettingKey(
        "NTP_ALLOW", flag: "allow", default: "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
        help: "Comma-separated CIDRs (or addresses) that may query this server; `all` allows everyone.")
    public static let port = SettingKey(
        "NTP_PORT", flag: "port", default: "123",
        help: "UDP port chronyd serves NTP on.")
    public static let minPoll = SettingKey(
        "NTP_MINPOLL", flag: "minpoll", default: "relay: 6; gateway: 0",
        help: "Shortest polling interval of the role's sources, as a power of two in seconds (-6..24).")
    public static let maxPoll = SettingKey(
        "NTP_MAXPOLL", flag: "maxpoll", default: "relay: 10; gateway: 4",
        help: "Longest polling interval of the role's sources, as a power of two in seconds (-6..24).")
    public static let minSources = SettingKey(
        "NTP_MIN_SOURCES", flag: "min-sources", default: "relay: 1; gateway: 2",
        help: "Agreeing sources needed before the clock is updated (chrony's minsources).")
    public static let localStratum = SettingKey(
        "LOCAL_STRATUM", flag: "local-stratum", default: "off",
        help: "When set (1..15), keep serving the local clock at this stratum when every source is lost (`local stratum N orphan`).")
    public static let clockControl = SettingKey(
        "CLOCK_CONTROL", flag: "clock-control", default: "false",
        help: "Let chronyd set the kernel clock. Off runs chronyd with -x: containers share the host's clock.")
    public static let noClientLog = SettingKey(
        "NOCLIENTLOG", flag: "noclientlog", default: "false",
        help: "Do not keep the per-client access log (chrony's noclientlog).")
    public static let logLevel = SettingKey(
        "LOG_LEVEL", flag: "log-level", default: "0",
        help: "chronyd's log level: 0 (info), 1 (warning), 2 (error), 3 (fatal), or those words.")
    public static let chronyConf = SettingKey(
        "CHRONY_CONF", flag: "conf", default: "/etc/chrony/chrony.conf",
        help: "Where the rendered chrony.conf is written.")
    public static let runDirectory = SettingKey(
        "CHRONY_RUN_DIR", flag: "run-dir", default: "/run/chrony",
        help: "Directory of chronyd's command socket (chronyd.sock) and pid file.")
    public static let stateDirectory = SettingKey(
        "CHRONY_STATE_DIR", flag: "state-dir", default: "/var/lib/chrony",
        help: "Directory of the drift file and NTS cookies; keep it on a volume to keep them across containers.")
    public static let confDirectory = SettingKey(
        "CHRONY_CONF_DIR", flag: "conf-dir", default: "/etc/chrony/conf.d",
        help: "Drop-in directory: its *.conf files are read by chronyd after the generated directives (chrony's confdir).")
    public static let templateDirectory = SettingKey(
        "CHRONYVISOR_TEMPLATES", flag: "templates", default: "/usr/share/chronyvisor/conf-templates, else built in",
        help: "Directory of the chrony.conf templates (relay.conf.mustache, gateway.conf.mustache and partials).")
    public static let chronydPath = SettingKey(
        "CHRONYD_PATH", flag: "chronyd", default: "chronyd from PATH, /usr/sbin/chronyd",
        help: "The chronyd executable.")
    public static let chronycPath = SettingKey(
        "CHRONYC_PATH", flag: "chronyc", default: "chronyc from PATH, /usr/bin/chronyc",
        help: "The chronyc executable.")

    public static let ntsServerCert = SettingKey(
        "NTS_SERVER_CERT", flag: "nts-server-cert", default: "off",
        help: "PEM certificate (chain) this node serves NTS with; needs NTS_SERVER_KEY. Then NTS-KE is served on TCP NTS_PORT.")
    public static let ntsServerKey = SettingKey(
        "NTS_SERVER_KEY", flag: "nts-server-key", default: "off",
        help: "PEM private key of NTS_SERVER_CERT; readable by chronyd's user (CHRONY_USER), directories included.")
    public static let ntsPort = SettingKey(
        "NTS_PORT", flag: "nts-port", default: "4460",
        help: "TCP port of NTS key establishment: served with NTS_SERVER_CERT, and asked of the sources when ENABLE_NTS is on.")
    public static let ntsServerKeys = SettingKey(
        "NTS_SERVER_KEYS", flag: "nts-server-keys", default: "off (chronyd makes and rotates its own)",
        help: "A key schedule file (scripts/nts-key-schedule.sh) that every replica serving NTS shares: chronyd encrypts cookies with its current keys (ntsrotate 0) and chronyvisor rotates them at the schedule's times (chronyc rekey), so a client's cookies work on every replica. Needs NTS_SERVER_CERT.")
    public static let ntsTrustedCerts = SettingKey(
        "NTS_TRUSTED_CERTS", flag: "nts-trusted-certs", default: "the system's CAs only",
        help: "A PEM CA file, or a directory of them, that NTS sources are verified against besides the system's (chrony's ntstrustedcerts).")

    public static let leapSmearMix = SettingKey(
        "LEAP_SMEAR_MIX", flag: "leap-smear-mix", default: "refuse",
        help: "Servers that mix leap-smearing services (Google, Amazon, Meta) with non-smearing ones (Cloudflare, NIST, Netnod, the NTP Pool) are refused (exit 78): across a leap second they differ by up to 0.5 s. `allow` accepts such a mix knowingly.")
    public static let leapSecondsList = SettingKey(
        "LEAP_SECONDS_LIST", flag: "leap-seconds-list", default: "/usr/share/zoneinfo/leap-seconds.list",
        help: "tzdata's leap-second list: its expiry is shown in `status` and /metrics, and chrony 4.6 or later reads it (`leapseclist`; older chrony uses `leapsectz right/UTC`). A path given explicitly must be readable (exit 78 otherwise); `off`: not read.")

    /// Every setting the configuration of chrony reads, in the order documented.
    public static let chronySettings: [SettingKey] = [
        .role, .servers, .serversByIndex, .nodeIndex, .enableNTS, .ntsServerCert, .ntsServerKey, .ntsServerKeys, .ntsPort, .ntsTrustedCerts, .allow, .port, .minPoll, .maxPoll, .minSources, .localStratum,
        .clockControl, .noClientLog, .logLevel, .leapSmearMix, .leapSecondsList, .chronyConf, .runDirectory, .stateDirectory,
        .confDirectory, .templateDirectory, .chronydPath, .chronycPath,
    ]

    public static let chronyUser = SettingKey(
        "CHRONY_USER", flag: "user", default: "_chrony or chrony, whichever exists",
        help: "Started as root: the user chronyd drops root to (chronyd -u) and that owns the run and state directories. Not root: chronyd runs as chronyvisor's own user (-U -u), which this may only name.")
    public static let stopGrace = SettingKey(
        "STOP_GRACE", flag: "stop-grace", default: "5s",
        help: "On SIGTERM/SIGINT/SIGQUIT (and a SIGHUP reload), how long chronyd gets to exit before it is killed (SIGKILL).")
    public static let restartMax = SettingKey(
        "RESTART_MAX", flag: "restart-max", default: "5",
        help: "Restarts of a chronyd that died unasked allowed within RESTART_WINDOW; one more failure gives up: exit with chronyd's status, 1 when that was 0 (always a failure). 0: never restart.")
    public static let restartWindow = SettingKey(
        "RESTART_WINDOW", flag: "restart-window", default: "60s",
        help: "The window in which RESTART_MAX counts failures (e.g. 60s, 5m).")
    public static let readyWhen = SettingKey(
        "READY_WHEN", flag: "ready-when", default: "synchronised",
        help: "When to tell systemd READY=1: `synchronised` (when /readyz and `health` say ready, HEALTH_DEGRADED_OK included) or `running` (chronyd answers).")
    public static let pollInterval = SettingKey(
        "POLL_INTERVAL", flag: "poll-interval", default: "2s",
        help: "How often `run` asks chronyd for its state through chronyc (e.g. 500ms, 2s).")
    public static let unresponsiveTimeout = SettingKey(
        "UNRESPONSIVE_TIMEOUT", flag: "unresponsive-timeout", default: "60s",
        help: "A running chronyd whose command socket has not answered for this long (since its start or its last answer) is killed and restarted, counted against RESTART_MAX.")

    /// The settings of `chronyvisor run`'s supervision (stop, restarts, readiness, polling).
    public static let supervisionSettings: [SettingKey] = [
        .chronyUser, .stopGrace, .restartMax, .restartWindow, .readyWhen, .pollInterval, .unresponsiveTimeout,
    ]
}
