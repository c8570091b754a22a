/// One server `chronyvisor probe --monitor` watches: `[ROLE=]HOST[:PORT]` on the command line,
/// e.g. `gateway=chrony-main`, `relay=chrony-local1:123`, `[::1]:1123`. The role is only a label
/// (`role` on every metric of the target) that alert rules select on: the stand's rules compare
/// the `gateway`'s served offset with the `relay`s'.
public struct MonitorTarget: Sendable, Hashable {
    /// The host as given (a name or an IP literal, IPv6 without brackets).
    public let host: String
    public let port: UInt16
    /// The `role` label; empty when none was given.
    public let role: String

    public init(host: String, port: UInt16 = ProbeParameters.defaultPort, role: String = "") {
        self.host = host
        self.port = port
        self.role = role
    }

    /// The `target` label: the host, with `:port` when it is not 123 (`[v6]:port` for IPv6).
    public var label: String {
        guard port != ProbeParameters.defaultPort else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses one command-line target; `defaultPort` is `--port`'s value.
    public static func parse(_ text: String, defaultPort: UInt16) throws(ProbeUsageError) -> MonitorTarget {
        var rest = text[...].trimmingSpaces()
        var role = ""
        if let equals = rest.firstIndex(of: "=") {
            role = String(rest[..<equals])
            rest = String(rest[rest.index(after: equals)...])
            guard !role.isEmpty, role.utf8.allSatisfy(Self.isRoleByte) else {
                throw ProbeUsageError(flag: "TARGET", expected: "[ROLE=]HOST[:PORT] with ROLE made of letters, digits, '-' and '_'", given: text)
            }
        }
        guard let source = NTPSource.parse(rest) else {
            throw ProbeUsageError(flag: "TARGET", expected: "[ROLE=]HOST[:PORT]: a host name, IPv4 or [IPv6] address, optional port 1-65535", given: text)
        }
        let host: String
        switch source.host {
        case .name(let name): host = name
        case .ipv4(let address), .ipv6(let address): host = address
        }
        return MonitorTarget(host: host, port: source.port ?? defaultPort, role: role)
    }

    private static func isRoleByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }
}

/// The validated settings of `chronyvisor probe --monitor`.
public struct MonitorParameters: Sendable, Equatable {
    public let targets: [MonitorTarget]
    /// From one round of probes to the next.
    public let interval: Duration
    /// How long to wait for each reply.
    public let timeout: Duration
    /// Where /metrics is served.
    public let listen: ListenAddress
    public let json: Bool

    /// The monitor's default interval (a round asks every target once).
    public static let defaultInterval = Duration.seconds(10)
    /// The intervals `--interval` takes in monitor mode.
    public static let intervals = Duration.milliseconds(100) ... ProbeParameters.intervals.upperBound
    public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9123)

    /// Checks the raw flag values (nil: the default). `--count` has no meaning here.
    public init(targets: [String], port: String?, interval: String?, timeout: String?, listen: String?,
                json: Bool) throws(ProbeUsageError) {
        guard !targets.isEmpty else { throw ProbeUsageError(flag: "TARGET", expected: "at least one target to monitor", given: "") }
        // --port and --timeout are checked as probe checks them; --interval has its own range.
        let shared = try ProbeParameters(host: "localhost", port: port, interval: nil, count: nil, timeout: timeout, json: json)
        let roundInterval = try ProbeParameters.duration(interval, flag: "--interval", what: "the time between rounds",
                                                         in: Self.intervals) ?? Self.defaultInterval
        var parsed: [MonitorTarget] = []
        for text in targets {
            let target = try MonitorTarget.parse(text, defaultPort: shared.port)
            guard !parsed.contains(where: { $0.label == target.label }) else {
                throw ProbeUsageError(flag: "TARGET", expected: "each target once", given: text)
            }
            parsed.append(target)
        }
        self.targets = parsed
        self.interval = roundInterval
        self.timeout = shared.timeout
        self.json = json
        if let listen {
            guard let address = ListenAddress.parse(listen[...].trimmingSpaces()) else {
                throw ProbeUsageError(flag: "--listen", expected: "an IP address and port for /metrics, e.g. 0.0.0.0:9123 or [::1]:9123", given: listen)
            }
            self.listen = address
        } else {
            self.listen = Self.defaultListen
        }
    }
}

extension NTPSample {
    /// The monitor's score: how far from the server's reference a client that set its clock
    /// from this one sample could be, at most: |θ| + δ/2 + root delay/2 + root dispersion
    /// (RFC 5905's root distance seen from here, plus the offset). Seconds; lower is better.
    public var score: Double {
        abs(offset) + delay / 2 + rootDelay / 2 + rootDispersion
    }
}
