/// chronyc's human formats for quantities (client.c `print_report` specifiers), as pure
/// functions: `%S`/`%+S` offsets with a unit, `%I` intervals, `%P`/`%+P` frequencies.
public enum ChronycUnits {
    /// `%S`: the absolute value of `seconds` in 6 columns with ns, us, ms, s, m, h, d or y.
    public static func seconds(_ seconds: Double) -> String {
        let s = abs(seconds)
        if s < 9999.5e-9 { return CFormat.double("%4.0f", s * 1e9) + "ns" }
        if s < 9999.5e-6 { return CFormat.double("%4.0f", s * 1e6) + "us" }
        if s < 9999.5e-3 { return CFormat.double("%4.0f", s * 1e3) + "ms" }
        if s < 999.5 { return CFormat.double("%5.1f", s) + "s" }
        if s < 99999.5 { return CFormat.double("%5.0f", s) + "s" }
        if s < 99999.5 * 60 { return CFormat.double("%5.0f", s / 60) + "m" }
        if s < 99999.5 * 3600 { return CFormat.double("%5.0f", s / 3600) + "h" }
        if s < 99999.5 * 3600 * 24 { return CFormat.double("%5.0f", s / (3600 * 24)) + "d" }
        return CFormat.double("%5.0f", s / (3600 * 24 * 365)) + "y"
    }

    /// `%+S`: `seconds` with its sign in 7 columns and a unit.
    public static func signedSeconds(_ seconds: Double) -> String {
        let x = abs(seconds)
        if x < 9999.5e-9 { return CFormat.double("%+5.0f", seconds * 1e9) + "ns" }
        if x < 9999.5e-6 { return CFormat.double("%+5.0f", seconds * 1e6) + "us" }
        if x < 9999.5e-3 { return CFormat.double("%+5.0f", seconds * 1e3) + "ms" }
        if x < 999.5 { return CFormat.double("%+6.1f", seconds) + "s" }
        if x < 99999.5 { return CFormat.double("%+6.0f", seconds) + "s" }
        if x < 99999.5 * 60 { return CFormat.double("%+6.0f", seconds / 60) + "m" }
        if x < 99999.5 * 3600 { return CFormat.double("%+6.0f", seconds / 3600) + "h" }
        if x < 99999.5 * 3600 * 24 { return CFormat.double("%+6.0f", seconds / (3600 * 24)) + "d" }
        return CFormat.double("%+6.0f", seconds / (3600 * 24 * 365)) + "y"
    }

    /// `%I`: seconds in 4 columns: `   -` for never (nil), then s, m, h, d and y.
    public static func interval(_ seconds: UInt32?) -> String {
        guard let s = seconds, s != UInt32.max else { return "   -" }
        if s < 1200 { return CFormat.int(s, 4) }
        if s < 36000 { return CFormat.int(s / 60, 3) + "m" }
        if s < 345600 { return CFormat.int(s / 3600, 3) + "h" }
        let days = s / 86400
        if days > 999 { return CFormat.int(days / 365, 3) + "y" }
        return CFormat.int(days, 3) + "d"
    }

    /// `%P`: a frequency in ppm, `%10.3f` below 99999.5 ppm, else `%10.0f`.
    public static func ppm(_ value: Double) -> String {
        abs(value) < 99999.5 ? CFormat.double("%10.3f", value) : CFormat.double("%10.0f", value)
    }

    /// `%+P`: a signed frequency in ppm.
    public static func signedPPM(_ value: Double) -> String {
        abs(value) < 99999.5 ? CFormat.double("%+10.3f", value) : CFormat.double("%+10.0f", value)
    }

    /// `%C`: a client-log interval (log2 seconds), ` -` when none.
    public static func clientInterval(_ rate: Int?) -> String {
        guard let rate, rate < 127 else { return " -" }
        return CFormat.int(rate, 2)
    }

    /// chrony's UTI_Log2ToDouble: 2^l, clamped to ±31.
    public static func log2ToSeconds(_ l: Int) -> Double {
        if l >= 0 { return Double(UInt32(1) << UInt32(min(l, 31))) }
        return 1.0 / Double(UInt32(1) << UInt32(min(-l, 31)))
    }
}
