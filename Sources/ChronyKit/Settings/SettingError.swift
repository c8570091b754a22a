/// A setting that failed validation. Its message names the variable or flag, shows the value
/// escaped (so control characters and newlines are visible) and says what was expected.
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `NTP_SERVERS` or `--servers`.
    public let source: String
    /// The offending value as given (nil when the value is missing).
    public let value: String?
    /// What a valid value looks like.
    public let expected: String

    public init(source: String, value: String?, expected: String) {
        self.source = source
        self.value = value
        self.expected = expected
    }

    init(_ raw: RawSetting, expected: String) {
        self.init(source: raw.sourceName, value: raw.value, expected: expected)
    }

    /// Exit status for bad settings: EX_CONFIG from sysexits.h.
    public static let exitCode: Int32 = ExitStatus.config

    public var description: String {
        if let value {
            return "invalid \(source)=\(SettingError.escape(value)): expected \(expected)"
        }
        return "missing \(source): expected \(expected)"
    }

    /// The value quoted with control characters, quotes and non-ASCII escaped.
    public static func escape(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16)
                out += scalar.value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
            }
        }
        return out + "\""
    }
}
