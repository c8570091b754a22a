/// Durations as settings take them: a number with an optional unit, `ms`, `s` (the default),
/// `m` or `h`: `5`, `5s`, `0.5s`, `500ms`, `2m`.
public enum DurationValue {
    public static let expected = "a duration such as 500ms, 5s, 1.5s, 2m or 1h (plain numbers are seconds)"

    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var number = Substring(text)
        var scale = 1000.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.milliseconds
            break
        }
        guard !number.isEmpty, number.utf8.count <= 12,
            number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            number.first != ".", number.last != ".",
            let value = Double(number)
        else { return nil }
        return .milliseconds(Int64((value * scale).rounded()))
    }

    /// `1.5s`, `250ms`: the shortest form that reads back to the same value.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}

extension Validator {
    /// A duration within `range`, nil when unset.
    func duration(_ key: SettingKey, in range: ClosedRange<Duration>) throws(SettingError) -> Duration? {
        let expected = "\(DurationValue.expected), from \(DurationValue.format(range.lowerBound)) to \(DurationValue.format(range.upperBound))"
        return try value(key, expected: expected) { text in
            DurationValue.parse(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}
