/// The IERS/NIST `leap-seconds.list` file (tzdata ships it as
/// /usr/share/zoneinfo/leap-seconds.list; chrony ≥ 4.6 reads it with `leapseclist`): the table
/// of leap seconds and, on its `#@` line, the NTP-era time after which the table may be
/// incomplete. Only what chronyvisor reports is parsed: the expiry, the last update (`#$`) and
/// the data lines (`NTP-seconds TAI-UTC`).
public struct LeapSecondsList: Sendable, Equatable {
    /// Where tzdata installs it (Debian, Alpine): LEAP_SECONDS_LIST's default.
    public static let defaultPath = "/usr/share/zoneinfo/leap-seconds.list"

    /// Seconds between the NTP era's epoch (1900-01-01) and the Unix epoch.
    public static let ntpToUnix: Int64 = 2_208_988_800

    /// When the list expires, Unix seconds.
    public let expires: Int64
    /// When the list was last updated (`#$`), Unix seconds; nil when the line is missing.
    public let updated: Int64?
    /// The data lines: when each TAI−UTC offset took effect (Unix seconds) and the offset.
    public let entries: [(start: Int64, taiMinusUTC: Int)]

    public static func == (lhs: LeapSecondsList, rhs: LeapSecondsList) -> Bool {
        lhs.expires == rhs.expires && lhs.updated == rhs.updated
            && lhs.entries.map(\.start) == rhs.entries.map(\.start) && lhs.entries.map(\.taiMinusUTC) == rhs.entries.map(\.taiMinusUTC)
    }

    /// Why a text is not a leap-seconds list, in words for an error line.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        public var description: String { line > 0 ? "line \(line): \(problem)" : problem }
    }

    /// Parses the file's text. Throws when the `#@` expiry line is missing or malformed, or a
    /// data line is not two numbers.
    public static func parse(_ text: String) throws(ParseError) -> LeapSecondsList {
        var expires: Int64?
        var updated: Int64?
        var entries: [(start: Int64, taiMinusUTC: Int)] = []
        // "\r\n" is one Character in Swift: split on any line break.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            if line.hasPrefix("#@") || line.hasPrefix("#$") {
                let fields = line.dropFirst(2).split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let first = fields.first, let ntp = Int64(first), ntp > 0 else {
                    throw ParseError(line: number, problem: "expected an NTP timestamp after \(line.prefix(2)), found \"\(line.prefix(40))\"")
                }
                if line.hasPrefix("#@") { expires = ntp - ntpToUnix } else { updated = ntp - ntpToUnix }
                continue
            }
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let data = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let fields = data.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, let ntp = Int64(fields[0]), let offset = Int(fields[1]) else {
                throw ParseError(line: number, problem: "expected `NTP-seconds TAI-UTC`, found \"\(line.prefix(40))\"")
            }
            entries.append((ntp - ntpToUnix, offset))
        }
        guard let expires else {
            throw ParseError(line: 0, problem: "no `#@` expiry line (not a leap-seconds.list file)")
        }
        guard !entries.isEmpty else {
            throw ParseError(line: 0, problem: "no leap-second entries")
        }
        return LeapSecondsList(expires: expires, updated: updated, entries: entries)
    }

    /// The expiry as a UTC date, `YYYY-MM-DD`.
    public var expiryDate: String {
        String(UTCFormat.iso8601Microseconds(UnixTime(seconds: expires)).prefix(10))
    }
}

/// What status and /metrics say about the leap-second list: its expiry, or why it could not
/// be read.
public enum LeapSecondsListState: Sendable, Equatable {
    /// LEAP_SECONDS_LIST=off.
    case off
    /// Read: the file and when it expires (Unix seconds).
    case read(path: String, expires: Int64)
    /// Not readable or not a leap-seconds list: the file and why.
    case failed(path: String, reason: String)

    /// One line for `status`: "expires 2026-06-28 (/usr/share/zoneinfo/leap-seconds.list)",
    /// "EXPIRED on …", "expires in 12 days on …", or why it cannot be read. `now`: Unix seconds.
    public func line(now: Int64) -> String {
        switch self {
        case .off:
            return "not read (LEAP_SECONDS_LIST=off)"
        case .read(let path, let expires):
            let date = String(UTCFormat.iso8601Microseconds(UnixTime(seconds: expires)).prefix(10))
            if expires <= now { return "EXPIRED on \(date) (\(path))" }
            let days = (expires - now) / 86_400
            return days < 30 ? "expires in \(days) day\(days == 1 ? "" : "s"), on \(date) (\(path))" : "expires \(date) (\(path))"
        case .failed(let path, let reason):
            return "cannot be read: \(path): \(reason)"
        }
    }
}
