#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// C printf for numbers, so they round and pad exactly as chronyc's own printf does
/// (round-half-even on the binary value, `-0` kept, widths in bytes). chronyvisor never
/// calls setlocale, so the decimal point is the C locale's `.`, as in chronyc.
enum CFormat {
    /// `printf(format, value)` for one double, e.g. `double("%+5.0f", x)`.
    static func double(_ format: StaticString, _ value: Double) -> String {
        let cFormat = UnsafeRawPointer(format.utf8Start).assumingMemoryBound(to: CChar.self)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let written = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, cFormat, $0) }
            if written >= 0 && written < 64 {
                return String(cString: buffer.baseAddress!)
            }
            // Longer than 63 bytes (a huge value with many decimals): size the buffer exactly.
            var large = [CChar](repeating: 0, count: Int(max(written, 0)) + 1)
            _ = withVaList([value]) { vsnprintf(&large, large.count, cFormat, $0) }
            return String(decoding: large.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

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

    /// `%*d` / `%*u`.
    static func int<T: BinaryInteger>(_ value: T, _ width: Int = 0) -> String {
        right(String(value), width)
    }

    /// `%*o`.
    static func octal<T: BinaryInteger>(_ value: T, _ width: Int) -> String {
        right(String(value, radix: 8), width)
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `strftime("%a %b %d %H:%M:%S %Y", gmtime(seconds))` as in the C locale.
    static func utcDate(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(parts.tm_wday)]) \(months[Int(parts.tm_mon)]) \(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) \(Int(parts.tm_year) + 1900)"
    }
}
