/// Calendar formatting of `UnixTime` in UTC without Foundation or the C library's time zone
/// state: proleptic Gregorian civil date from a day count (H. Hinnant's `civil_from_days`).
public enum UTCFormat {
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`; the microseconds are truncated, not rounded, so the
    /// printed second is always the second the time lies in.
    public static func iso8601Microseconds(_ time: UnixTime) -> String {
        let (days, secondOfDay) = floorDivide(time.seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        let micro = time.nanoseconds / 1_000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            + ".\(pad(micro, 6))Z"
    }

    /// Year, month (1–12), day (1–31) of the day `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value < 0 ? -value : value)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }
}
