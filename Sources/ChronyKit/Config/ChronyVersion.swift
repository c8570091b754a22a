/// chrony's version, as `chronyd -v` prints it ("chronyd (chrony) version 4.3 (+CMDMON …)").
/// What the generated chrony.conf may use depends on it: `leapseclist` exists from 4.6.
public struct ChronyVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// The first version with the `leapseclist` directive.
    public static let leapSecondsList = ChronyVersion(4, 6)

    /// Parses `chronyd -v` output; nil when it does not say "version X.Y[.Z]". Pre-release
    /// suffixes ("4.6-pre1") count as that version.
    public static func parse(versionOutput text: String) -> ChronyVersion? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard let index = words.firstIndex(of: "version"), index + 1 < words.count else { return nil }
        let numbers = words[index + 1].prefix(while: { $0.isNumber || $0 == "." }).split(separator: ".")
        guard numbers.count >= 2, numbers.count <= 3, let major = Int(numbers[0]), let minor = Int(numbers[1]) else { return nil }
        let patch = numbers.count == 3 ? Int(numbers[2]) : 0
        guard let patch else { return nil }
        return ChronyVersion(major, minor, patch)
    }

    /// Whether this chrony reads a leap-second list (`leapseclist`).
    public var hasLeapSecondsList: Bool { self >= Self.leapSecondsList }

    public static func < (lhs: ChronyVersion, rhs: ChronyVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }
}

/// Where chronyd gets its leap seconds from: a leap-second list (chrony 4.6 and later, when
/// the list is set and readable) or the `right/UTC` time zone (every version; 4.3 has no
/// `leapseclist`).
public enum LeapSecondsSource: Sendable, Equatable {
    case list(String)
    case timeZone

    /// The choice for `version` (nil: unknown, the safe `leapsectz`), LEAP_SECONDS_LIST's
    /// `path` (nil: off) and whether that file was read and parsed.
    public static func choose(version: ChronyVersion?, path: String?, readable: Bool) -> LeapSecondsSource {
        guard let version, version.hasLeapSecondsList, let path, readable else { return .timeZone }
        return .list(path)
    }
}
