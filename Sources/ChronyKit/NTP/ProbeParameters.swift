/// A command-line value of `chronyvisor probe` that is out of range: one line naming the flag,
/// exit status 64.
public struct ProbeUsageError: Error, Sendable, Hashable, ReportableError {
    public let flag: String
    public let expected: String
    public let given: String

    public init(flag: String, expected: String, given: String) {
        self.flag = flag
        self.expected = expected
        self.given = given
    }

    /// One line even when the value holds control characters (they are escaped).
    public var description: String { "\(flag): expected \(expected), got \(SettingError.escape(given))" }
    public var exitCode: Int32 { ProbeExit.usage }
}

/// The validated settings of one probe run.
public struct ProbeParameters: Sendable, Hashable {
    public let host: String
    public let port: UInt16
    /// Seconds from one request to the next (0: the next goes as soon as the last exchange ends).
    public let interval: Double
    /// Requests to send; 0 for no limit (until SIGINT or SIGTERM).
    public let count: Int
    /// Seconds to wait for each reply.
    public let timeout: Double
    public let json: Bool

    public static let defaultPort: UInt16 = 123
    public static let defaultInterval = 2.0
    public static let defaultTimeout = 1.0

    /// Checks the raw flag values (nil: the default). Bracketed IPv6 literals (`[::1]`) are
    /// accepted and unbracketed.
    public init(host: String, port: String?, interval: String?, count: String?, timeout: String?,
                json: Bool) throws(ProbeUsageError) {
        var name = host[...].trimmingSpaces()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        guard !name.isEmpty else { throw ProbeUsageError(flag: "HOST", expected: "a host name or address", given: host) }
        self.host = name
        self.json = json

        if let port {
            guard let value = UInt16(port[...].trimmingSpaces()), value > 0 else {
                throw ProbeUsageError(flag: "--port", expected: "a port number 1-65535", given: port)
            }
            self.port = value
        } else {
            self.port = Self.defaultPort
        }
        if let interval {
            guard let value = Double(interval[...].trimmingSpaces()), value.isFinite, value >= 0, value <= 86_400 else {
                throw ProbeUsageError(flag: "--interval", expected: "seconds between requests, 0 to 86400", given: interval)
            }
            self.interval = value
        } else {
            self.interval = Self.defaultInterval
        }
        if let count {
            guard let value = Int(count[...].trimmingSpaces()), value >= 0 else {
                throw ProbeUsageError(flag: "--count", expected: "a number of requests, 0 for no limit", given: count)
            }
            self.count = value
        } else {
            self.count = 0
        }
        if let timeout {
            guard let value = Double(timeout[...].trimmingSpaces()), value.isFinite, value >= 0.001, value <= 600 else {
                throw ProbeUsageError(flag: "--timeout", expected: "seconds to wait for a reply, 0.001 to 600", given: timeout)
            }
            self.timeout = value
        } else {
            self.timeout = Self.defaultTimeout
        }
    }
}
