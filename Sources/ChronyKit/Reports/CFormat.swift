/// Column padding and dates as chronyc's printf/strftime produce them (widths in bytes; the
/// C locale's day and month names). Numbers go through `ChronyUnits.format` (vsnprintf).
enum CFormat {
    /// Right-aligns `text` in `width` bytes (`%*s`).
    static func right(_ text: String, _ width: Int) -> String {
        let count = text.utf8.count
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }

    /// Left-aligns `text` in `width` bytes (`%-*s`).
    static func left(_ text: String, _ width: Int) -> String {
        let count = text.utf8.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// A free-text field (a source's name, an address) made safe for a terminal: control
    /// characters (C0, DEL, C1 — which include ESC and CSI, the start of every terminal escape
    /// sequence) become `\xNN`, and a backslash becomes `\\` so the escaping is unambiguous.
    /// Text chronyc itself produces (names and addresses) never contains either, so the
    /// output stays byte-identical to chronyc's for every real report.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\\"
    }

    /// `%*d` / `%*u`.
    static func int<T: BinaryInteger>(_ value: T, _ width: Int = 0) -> String {
        right(String(value), width)
    }

    /// `%*o`.
    static func octal<T: BinaryInteger>(_ value: T, _ width: Int) -> String {
        right(String(value, radix: 8), width)
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `strftime("%a %b %d %H:%M:%S %Y", gmtime(seconds))` in the C locale (chronyc's `%T`).
    static func utcDate(_ seconds: Int64) -> String {
        let (q, r) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (days, secondOfDay) = r < 0 ? (q - 1, r + 86_400) : (q, r)
        let (year, month, day) = UTCFormat.civil(fromDays: days)
        // 1970-01-01 was a Thursday.
        let weekday = Int(((days % 7) + 7) % 7)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[weekday]) \(months[Int(month) - 1]) \(two(day)) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) \(year)"
    }
}
