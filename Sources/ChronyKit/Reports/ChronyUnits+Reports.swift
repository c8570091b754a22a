/// chronyc's other human formats for report columns (client.c `print_report`): `%I`
/// intervals, `%P`/`%+P` frequencies, `%C` client-log intervals. `%S`/`%+S` are
/// `ChronyUnits.seconds(_:signed:)`.
extension ChronyUnits {
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
        abs(value) < 99999.5 ? format("%10.3f", value) : format("%10.0f", value)
    }

    /// `%+P`: a signed frequency in ppm.
    public static func signedPPM(_ value: Double) -> String {
        abs(value) < 99999.5 ? format("%+10.3f", value) : format("%+10.0f", value)
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
