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
    /// From one request to the next (zero: the next goes as soon as the last exchange ends).
    public let interval: Duration
    /// Requests to send; 0 for no limit (until SIGINT or SIGTERM).
    public let count: Int
    /// How long to wait for each reply.
    public let timeout: Duration
    public let json: Bool

    public static let defaultPort: UInt16 = 123
    public static let defaultInterval = Duration.seconds(2)
    public static let defaultTimeout = Duration.seconds(1)
    /// The intervals `--interval` takes: back to back up to once a day.
    public static let intervals = Duration.zero ... .seconds(86_400)
    /// The timeouts `--timeout` takes.
    public static let timeouts = Duration.milliseconds(1) ... .seconds(600)

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
        self.interval = try Self.duration(interval, flag: "--interval", what: "the time between requests",
                                          in: Self.intervals) ?? Self.defaultInterval
        if let count {
            guard let value = Int(count[...].trimmingSpaces()), value >= 0 else {
                throw ProbeUsageError(flag: "--count", expected: "a number of requests, 0 for no limit", given: count)
            }
            self.count = value
        } else {
            self.count = 0
        }
        self.timeout = try Self.duration(timeout, flag: "--timeout", what: "the time to wait for a reply",
                                         in: Self.timeouts) ?? Self.defaultTimeout
    }

    /// A duration flag's value (nil: not given), as settings read durations.
    static func duration(_ text: String?, flag: String, what: String,
                         in range: ClosedRange<Duration>) throws(ProbeUsageError) -> Duration? {
        guard let text else { return nil }
        guard let value = DurationValue.parse(String(text[...].trimmingSpaces()), in: range) else {
            throw ProbeUsageError(flag: flag, expected: "\(what): \(DurationValue.expected(in: range))", given: text)
        }
        return value
    }
}
