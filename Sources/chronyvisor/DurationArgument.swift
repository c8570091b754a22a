import ArgumentParser
import ChronyKit

/// Duration flags (`--timeout`) read what duration settings read (`DurationValue`): `5`,
/// `500ms`, `2m`; plain numbers are seconds, as they always were on these flags.
extension Duration: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = DurationValue.parse(argument) else { return nil }
        self = value
    }

    /// `5s` rather than Swift's `5.0 seconds` in `--help`'s "(default: …)".
    public var defaultValueDescription: String { DurationValue.format(self) }
}

extension ValidationError {
    /// `flag` holds `value`, outside `range`: one line naming the flag and what it takes.
    static func duration(_ flag: String, _ value: Duration, outside range: ClosedRange<Duration>) -> ValidationError {
        ValidationError("\(flag) \(DurationValue.format(value)): expected \(DurationValue.expected(in: range))")
    }
}
