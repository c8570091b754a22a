/// Settings of the health check and the HTTP endpoints.
public struct HealthSettings: Sendable, Equatable {
    /// Where `run` serves /healthz, /readyz, /status and /metrics, and where `health` asks.
    public var listen: ListenAddress
    public var thresholds: HealthThresholds
    /// What counts as ready, and when systemd hears READY=1 (HEALTH_DEGRADED_OK, READY_WHEN).
    public var readiness: Readiness
    /// Whether and where readiness also asks the node's own NTP port for the time.
    public var servedTime: ServedTimeSetting

    /// Validates the health settings in `source`.
    public static func resolve(_ source: SettingsSource) throws(SettingError) -> HealthSettings {
        let v = Validator(source: source)
        let listen = try v.value(.healthListen, expected: "IP:port such as 127.0.0.1:9123, [::1]:9123 or 0.0.0.0:9123",
                                 ListenAddress.parse) ?? ListenAddress(host: "127.0.0.1", port: 9123)
        let defaults = HealthThresholds()
        let readyWhen = try v.value(.readyWhen, expected: "synchronised or running") { text -> ReadyCondition? in
            let word = text.lowercased()
            return ReadyCondition(rawValue: word == "synchronized" ? "synchronised" : word)
        }
        return HealthSettings(
            listen: listen,
            thresholds: HealthThresholds(
                maxOffset: try v.duration(.healthMaxOffset, in: .microseconds(1) ... .seconds(3600))?.inSeconds
                    ?? defaults.maxOffset,
                maxRootDistance: try v.duration(.healthMaxRootDistance, in: .microseconds(1) ... .seconds(3600))?.inSeconds
                    ?? defaults.maxRootDistance,
                startGrace: try v.duration(.healthStartGrace, in: .zero ... .seconds(86400))?.inSeconds ?? defaults.startGrace),
            readiness: Readiness(degradedIsReady: try v.bool(.healthDegradedOK) ?? true,
                                 readyWhen: readyWhen ?? .synchronised),
            servedTime: try v.value(.healthServedTime, expected: "true, false, or the IP address chronyd serves on (e.g. 10.0.0.5)",
                                    ServedTimeSetting.parse) ?? .loopback)
    }
}

/// An IP literal and a TCP port to listen on or connect to.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `a.b.c.d:port` or `[v6]:port`.
    public static func parse(_ text: String) -> ListenAddress? {
        guard let source = NTPSource.parse(text), let port = source.port else { return nil }
        switch source.host {
        case .ipv4(let a), .ipv6(let a): return ListenAddress(host: a, port: Int(port))
        case .name: return nil
        }
    }

    /// Where a local client should connect: the wildcard addresses mean loopback.
    public var connectHost: String {
        switch host {
        case "0.0.0.0": return "127.0.0.1"
        case "::": return "::1"
        default: return host
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension SettingKey {
    public static let healthListen = SettingKey(
        "HEALTH_LISTEN", flag: "health-listen", default: "127.0.0.1:9123",
        help: "Address of the HTTP endpoints (/healthz, /readyz, /status, /metrics); `chronyvisor health` asks here when run's verdict file is missing or stale. Loopback unless opened.")
    public static let healthMaxOffset = SettingKey(
        "HEALTH_MAX_OFFSET", flag: "health-max-offset", default: "100ms",
        help: "Largest |offset| of the clock from its source (gateway: unhealthy above; relay: counts into the estimated error). A duration: 100ms, 50us, 0.1 (seconds).")
    public static let healthMaxRootDistance = SettingKey(
        "HEALTH_MAX_ROOT_DISTANCE", flag: "health-max-root-distance", default: "1s",
        help: "Largest root distance (root delay / 2 + root dispersion) before the gateway is unhealthy (relay: degraded when offset + distance exceed both limits).")
    public static let healthStartGrace = SettingKey(
        "HEALTH_START_GRACE", flag: "health-start-grace", default: "60s",
        help: "After start, \"not yet synchronised\" is `starting` rather than unhealthy for this long.")
    public static let healthDegradedOK = SettingKey(
        "HEALTH_DEGRADED_OK", flag: "health-degraded-ok", default: "true",
        help: "Whether `degraded` (serving the local clock, a falseticker, large error) still counts as ready and healthy.")
    public static let healthServedTime = SettingKey(
        "HEALTH_SERVED_TIME", flag: "health-served-time", default: "true",
        help: "Readiness also asks the node's own NTP port for the time and requires stratum < 16 and leap != 3: true (ask 127.0.0.1), false, or the address to ask when chronyd is bound to one (bindaddress in a drop-in).")

    /// The health group of the settings catalog.
    public static let healthSettings: [SettingKey] = [
        .healthListen, .healthMaxOffset, .healthMaxRootDistance, .healthStartGrace, .healthDegradedOK, .healthServedTime,
    ]
}

/// HEALTH_SERVED_TIME: off, on (ask loopback) or on, asking a given address.
public enum ServedTimeSetting: Sendable, Equatable {
    case off
    case loopback
    case address(String)

    static func parse(_ text: String) -> ServedTimeSetting? {
        switch text.lowercased() {
        case "true", "yes", "1", "on": return .loopback
        case "false", "no", "0", "off": return .off
        default: return IPAddress.isIPv4(text) || IPAddress.isIPv6(text) ? .address(text) : nil
        }
    }

    /// Where the check asks for `chrony`'s node: the given address, or 127.0.0.1 when
    /// loopback may query (NTP_ALLOW covers it; chronyd would not answer otherwise); always
    /// on the serving port. nil: no check.
    public func target(for chrony: ChronySettings) -> (host: String, port: UInt16)? {
        switch self {
        case .off: return nil
        case .address(let address): return (address, chrony.port)
        case .loopback:
            switch chrony.allow {
            case .all: return ("127.0.0.1", chrony.port)
            case .networks(let networks):
                return networks.contains { $0.contains(ipv4: "127.0.0.1") } ? ("127.0.0.1", chrony.port) : nil
            }
        }
    }
}

extension CIDR {
    /// Whether this IPv4 network contains the dotted-quad `address`.
    public func contains(ipv4 address: String) -> Bool {
        guard let network = Self.ipv4Value(self.address), let value = Self.ipv4Value(address) else { return false }
        let length = prefixLength ?? 32
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - UInt32(length))
        return network & mask == value & mask
    }

    private static func ipv4Value(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
