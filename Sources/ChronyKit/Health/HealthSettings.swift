/// Settings of the health check and the HTTP endpoints.
public struct HealthSettings: Sendable, Equatable {
    /// Where `run` serves /healthz, /readyz, /status and /metrics, and where `health` asks.
    public var listen: ListenAddress
    public var thresholds: HealthThresholds
    /// Whether `degraded` (e.g. serving the local clock) counts as ready / healthy.
    public var degradedIsReady: Bool
    /// Whether readiness also asks the node's own NTP port for the time.
    public var checkServedTime: Bool

    /// Validates the health settings in `source`.
    public static func resolve(_ source: SettingsSource) throws(SettingError) -> HealthSettings {
        let v = Validator(source: source)
        let listen = try v.value(.healthListen, expected: "IP:port such as 127.0.0.1:9123, [::1]:9123 or 0.0.0.0:9123",
                                 ListenAddress.parse) ?? ListenAddress(host: "127.0.0.1", port: 9123)
        let defaults = HealthThresholds()
        return HealthSettings(
            listen: listen,
            thresholds: HealthThresholds(
                maxOffset: try v.seconds(.healthMaxOffset, in: 0.000_001...3600) ?? defaults.maxOffset,
                maxRootDistance: try v.seconds(.healthMaxRootDistance, in: 0.000_001...3600) ?? defaults.maxRootDistance,
                startGrace: try v.seconds(.healthStartGrace, in: 0...86400) ?? defaults.startGrace),
            degradedIsReady: try v.bool(.healthDegradedOK) ?? true,
            checkServedTime: try v.bool(.healthServedTime) ?? true)
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
        help: "Address of the HTTP endpoints (/healthz, /readyz, /status, /metrics); `chronyvisor health` asks here. Loopback unless opened.")
    public static let healthMaxOffset = SettingKey(
        "HEALTH_MAX_OFFSET", flag: "health-max-offset", default: "0.1 (seconds)",
        help: "Largest |offset| of the clock from its source (gateway: unhealthy above; relay: counts into the estimated error). Seconds, or with ms/us.")
    public static let healthMaxRootDistance = SettingKey(
        "HEALTH_MAX_ROOT_DISTANCE", flag: "health-max-root-distance", default: "1.0 (seconds)",
        help: "Largest root distance (root delay / 2 + root dispersion) before the gateway is unhealthy (relay: degraded when offset + distance exceed both limits).")
    public static let healthStartGrace = SettingKey(
        "HEALTH_START_GRACE", flag: "health-start-grace", default: "60 (seconds)",
        help: "After start, \"not yet synchronised\" is `starting` rather than unhealthy for this long.")
    public static let healthDegradedOK = SettingKey(
        "HEALTH_DEGRADED_OK", flag: "health-degraded-ok", default: "true",
        help: "Whether `degraded` (serving the local clock, a falseticker, large error) still counts as ready and healthy.")
    public static let healthServedTime = SettingKey(
        "HEALTH_SERVED_TIME", flag: "health-served-time", default: "true",
        help: "Readiness also asks the node's own NTP port for the time and requires stratum < 16 and leap != 3.")

    /// The health group of the settings catalog.
    public static let healthSettings: [SettingKey] = [
        .healthListen, .healthMaxOffset, .healthMaxRootDistance, .healthStartGrace, .healthDegradedOK, .healthServedTime,
    ]
}

extension ChronySettings {
    /// Where the served-time check asks: loopback on the serving port, when loopback may
    /// query (NTP_ALLOW covers 127.0.0.1); nil otherwise — chronyd would not answer.
    public var servedTimeCheckAddress: (host: String, port: UInt16)? {
        switch allow {
        case .all: return ("127.0.0.1", port)
        case .networks(let networks):
            return networks.contains { $0.contains(ipv4: "127.0.0.1") } ? ("127.0.0.1", port) : nil
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
