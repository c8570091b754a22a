#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// chronyc's own number formats, reproduced byte for byte (chrony client.c,
/// `print_nanoseconds` / `print_signed_nanoseconds`, the `%S` / `%+S` of its format strings).
/// Formatting goes through the C library's `vsnprintf`, so rounding is exactly chronyc's.
/// The other column formats of chronyc reports (`%I`, `%P`, `%C`) are in
/// Reports/ChronyUnits+Reports.swift.
public enum ChronyUnits {
    /// `%S` (`signed: false`) or `%+S` (`signed: true`) for a value in seconds:
    /// below 9999.5 ns `%4.0fns` / `%+5.0fns`, below 9999.5 µs `us`, below 9999.5 ms `ms`,
    /// below 999.5 s `%5.1fs` / `%+6.1fs`, below 99999.5 s `%5.0fs` / `%+6.0fs`, then minutes
    /// (`m`), hours (`h`), days (`d`) and 365-day years (`y`) with `%5.0f` / `%+6.0f`.
    /// The unsigned form prints the absolute value; the unit is chosen on the absolute value.
    public static func seconds(_ value: Double, signed: Bool) -> String {
        let magnitude = abs(value)
        let shown = signed ? value : magnitude
        let small = signed ? "%+5.0f" : "%4.0f"
        let large = signed ? "%+6.0f" : "%5.0f"
        if magnitude < 9999.5e-9 { return format(small, shown * 1e9) + "ns" }
        if magnitude < 9999.5e-6 { return format(small, shown * 1e6) + "us" }
        if magnitude < 9999.5e-3 { return format(small, shown * 1e3) + "ms" }
        if magnitude < 999.5 { return format(signed ? "%+6.1f" : "%5.1f", shown) + "s" }
        if magnitude < 99999.5 { return format(large, shown) + "s" }
        if magnitude < 99999.5 * 60 { return format(large, shown / 60) + "m" }
        if magnitude < 99999.5 * 3600 { return format(large, shown / 3600) + "h" }
        if magnitude < 99999.5 * 3600 * 24 { return format(large, shown / (3600 * 24)) + "d" }
        return format(large, shown / (3600 * 24 * 365)) + "y"
    }

    /// `printf(format, value)` for one double (the C library's rounding, no Foundation).
    public static func format(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = withVaList([value]) { arguments in
            vsnprintf(&buffer, buffer.count, format, arguments)
        }
        if count >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(count) + 1)
            _ = withVaList([value]) { arguments in vsnprintf(&buffer, buffer.count, format, arguments) }
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
