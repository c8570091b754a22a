/// Durations as settings and command-line flags take them: a number with an optional unit,
/// `us`, `ms`, `s` (the default), `m` or `h`: `5`, `5s`, `0.5s`, `500ms`, `50us`, `2m`.
/// Microsecond precision. Every duration a user types, in the environment or on a command
/// line, is read here and held as a `Duration`.
public enum DurationValue {
    public static let expected = "a duration such as 50us, 500ms, 5s, 1.5s, 2m or 1h (plain numbers are seconds)"

    /// What a duration within `range` looks like, for an error message.
    public static func expected(in range: ClosedRange<Duration>) -> String {
        "\(expected), from \(format(range.lowerBound)) to \(format(range.upperBound))"
    }

    /// `text` as a duration when it is one and lies within `range`.
    public static func parse(_ text: String, in range: ClosedRange<Duration>) -> Duration? {
        parse(text).flatMap { range.contains($0) ? $0 : nil }
    }

    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, microseconds: Double)] =
            [("us", 1), ("ms", 1000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)]
        var number = Substring(text)
        var scale = 1_000_000.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.microseconds
            break
        }
        guard !number.isEmpty, number.utf8.count <= 12,
            number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            number.first != ".", number.last != ".",
            let value = Double(number)
        else { return nil }
        return .microseconds(Int64((value * scale).rounded()))
    }

    /// `5s`, `250ms`, `50us`: the shortest form that reads back to the same value.
    public static func format(_ duration: Duration) -> String {
        let us = duration.wholeMicroseconds
        if us % 1_000_000 == 0 { return "\(us / 1_000_000)s" }
        if us % 1000 == 0 { return "\(us / 1000)ms" }
        return "\(us)us"
    }
}

extension Duration {
    /// The duration in whole microseconds (truncated).
    public var wholeMicroseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }

    /// The duration in whole milliseconds (truncated).
    public var wholeMilliseconds: Int64 { wholeMicroseconds / 1000 }

    /// The duration in whole nanoseconds (truncated), as monotonic clock readings count.
    public var wholeNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Validator {
    /// A duration within `range`, nil when unset.
    func duration(_ key: SettingKey, in range: ClosedRange<Duration>) throws(SettingError) -> Duration? {
        try value(key, expected: DurationValue.expected(in: range)) { DurationValue.parse($0, in: range) }
    }
}
