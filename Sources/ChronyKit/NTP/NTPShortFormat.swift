/// The NTP short format (RFC 5905 §6): unsigned 16.16 fixed-point seconds, used on the wire
/// for root delay and root dispersion (resolution 2⁻¹⁶ s ≈ 15.3 µs, up to 65536 s).
public struct NTPShortFormat: Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The nearest representable value to `seconds`, clamped to the format's range.
    public init(seconds: Double) {
        let scaled = (seconds * 65536).rounded()
        rawValue = scaled <= 0 ? 0 : scaled >= 4_294_967_295 ? UInt32.max : UInt32(scaled)
    }

    /// The value in seconds.
    public var seconds: Double { Double(rawValue) / 65536 }
}
