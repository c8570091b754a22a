/// Public NTP services whose leap-second handling their operators document: those that smear
/// a leap second over many hours and those that insert it as a real 23:59:60. Across a leap
/// second the two kinds differ by up to 0.5 s (a noon-to-noon smear) or 1 s, so a node that
/// follows both sees its sources disagree for a day: Cloudflare's documentation and ntpd's
/// leap-smear notes say not to mix them. A server not in this table is neither: it is
/// never counted for or against a mix (own servers, Microsoft's time.windows.com, for which
/// no statement of its operator was found, and everything else).
///
/// Each entry cites its operator's own documentation (docs/explanation/time-faults.md has the
/// same table for people). Matching is by exact host name, a host-name suffix (a label
/// boundary: `.pool.ntp.org` matches `0.pool.ntp.org`, not `evilpool.ntp.org`), or an exact
/// address, case-insensitively and ignoring a trailing dot.
public struct KnownTimeService: Sendable, Equatable {
    /// The operator and service, for messages: "Google Public NTP".
    public let name: String
    /// Whether the service smears leap seconds.
    public let smears: Bool
    /// Host names and addresses that are this service.
    public let hosts: [String]
    /// Host-name suffixes (with their leading dot) that are this service.
    public let suffixes: [String]
    /// Where the operator documents its leap-second handling.
    public let source: String

    public init(name: String, smears: Bool, hosts: [String], suffixes: [String] = [], source: String) {
        self.name = name
        self.smears = smears
        self.hosts = hosts
        self.suffixes = suffixes
        self.source = source
    }

    /// Whether `host` (a name or an address as NTP_SERVERS gives it) is this service.
    public func matches(_ host: NTPHost) -> Bool {
        var text = host.description.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return hosts.contains(text) || suffixes.contains { text.hasSuffix($0) }
    }

    /// The table. Keep it to services whose operator says what they do.
    public static let table: [KnownTimeService] = [
        // "Since 2008, instead of applying leap seconds to our servers using clock steps, we have
        // smeared the extra second" (24 h linear, noon to noon UTC).
        // https://developers.google.com/time/smear
        KnownTimeService(name: "Google Public NTP", smears: true,
                         hosts: ["time.google.com", "time1.google.com", "time2.google.com", "time3.google.com",
                                 "time4.google.com", "time.android.com"],
                         source: "https://developers.google.com/time/smear"),
        // "The public Amazon Time Sync Service, like the local Amazon Time Sync Service,
        // automatically smears any leap seconds" (the local one: 169.254.169.123, fd00:ec2::123).
        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html
        KnownTimeService(name: "Amazon Time Sync Service", smears: true,
                         hosts: ["time.aws.com", "169.254.169.123", "fd00:ec2::123"],
                         source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html"),
        // Meta's public NTP service smears leap seconds (its engineering blog on the service and
        // on leap seconds).
        // https://engineering.fb.com/2020/03/18/production-engineering/ntp-service/
        // https://engineering.fb.com/2022/07/25/production-engineering/its-time-to-leave-the-leap-second-in-the-past/
        KnownTimeService(name: "Meta (Facebook) NTP", smears: true,
                         hosts: ["time.facebook.com", "time1.facebook.com", "time2.facebook.com", "time3.facebook.com",
                                 "time4.facebook.com", "time5.facebook.com"],
                         source: "https://engineering.fb.com/2020/03/18/production-engineering/ntp-service/"),
        // "Cloudflare does not implement leap smearing … This is the behavior servers in
        // pool.ntp.org share. Using servers that smear time along with servers that do not may
        // lead to unpredictable and anomalous results."
        // https://developers.cloudflare.com/time-services/ntp/
        KnownTimeService(name: "Cloudflare", smears: false, hosts: ["time.cloudflare.com"],
                         source: "https://developers.cloudflare.com/time-services/ntp/"),
        // NIST's servers insert the leap second by "stopping the clock for one second at
        // 23:59:59" ("The Internet Time Service and Leap Seconds").
        // https://www.nist.gov/pml/time-and-frequency-division/time-distribution/internet-time-service-its
        KnownTimeService(name: "NIST Internet Time Service", smears: false,
                         hosts: ["time.nist.gov", "utcnist.colorado.edu", "utcnist2.colorado.edu"],
                         suffixes: [".nist.gov"],
                         source: "https://www.nist.gov/pml/time-and-frequency-division/time-distribution/internet-time-service-its"),
        // Netnod inserts the leap second as 23:59:60 (its service is paused around it).
        // https://www.netnod.se/news/leap-second-added-to-the-global-time-scale
        KnownTimeService(name: "Netnod", smears: false, hosts: ["ntp.se", "ntp.netnod.se"], suffixes: [".ntp.se"],
                         source: "https://www.netnod.se/news/leap-second-added-to-the-global-time-scale"),
        // The NTP Pool's servers do not smear (Cloudflare's statement above, about the pool).
        // https://developers.cloudflare.com/time-services/ntp/
        KnownTimeService(name: "NTP Pool", smears: false, hosts: ["pool.ntp.org"], suffixes: [".pool.ntp.org"],
                         source: "https://developers.cloudflare.com/time-services/ntp/"),
    ]

    /// The table's entry for `host`, if any.
    public static func lookup(_ host: NTPHost) -> KnownTimeService? {
        table.first { $0.matches(host) }
    }
}

/// LEAP_SMEAR_MIX: what to do with sources that mix smearing and non-smearing services.
public enum LeapSmearMix: String, Sendable, Equatable, CaseIterable {
    /// Refuse the settings (exit 78), naming the servers: the default.
    case refuse
    /// Accept the mix knowingly.
    case allow

    static let expected = "refuse (the default: servers that mix leap-smearing and non-smearing services are refused) or allow (accept such a mix knowingly)"
}

/// The check itself: pure, on the servers a node's settings name.
public enum LeapSmearCheck {
    /// The servers that smear and those that do not, by the table (unknown servers in neither).
    public static func classify(_ servers: [NTPSource]) -> (smearing: [(NTPSource, KnownTimeService)], nonSmearing: [(NTPSource, KnownTimeService)]) {
        var smearing: [(NTPSource, KnownTimeService)] = []
        var nonSmearing: [(NTPSource, KnownTimeService)] = []
        for server in servers {
            guard let service = KnownTimeService.lookup(server.host) else { continue }
            if service.smears { smearing.append((server, service)) } else { nonSmearing.append((server, service)) }
        }
        return (smearing, nonSmearing)
    }

    /// Why `servers` are a mix, in one sentence; nil when they are not.
    public static func mixProblem(_ servers: [NTPSource]) -> String? {
        let (smearing, nonSmearing) = classify(servers)
        guard !smearing.isEmpty, !nonSmearing.isEmpty else { return nil }
        func names(_ list: [(NTPSource, KnownTimeService)]) -> String {
            list.map { "\($0.0.host) (\($0.1.name))" }.joined(separator: ", ")
        }
        return "servers that all smear leap seconds or none that do: \(names(smearing)) smear\(smearing.count == 1 ? "s" : "") leap seconds, "
            + "\(names(nonSmearing)) do\(nonSmearing.count == 1 ? "es" : "") not; across a leap second they differ by up to 0.5 s; "
            + "set LEAP_SMEAR_MIX=allow to accept the mix knowingly"
    }
}
