import FoundationEssentials

/// A point in time as chronyc prints it in CSV: seconds since the Unix epoch with nanoseconds
/// (`1795746921.529112040`). Exact; encoded in JSON as one number with the same digits.
public struct Timestamp: Sendable, Hashable, Codable, Comparable {
    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The epoch (chronyd's "never": an unsynchronised reference time).
    public static let epoch = Timestamp(seconds: 0, nanoseconds: 0)

    /// Seconds since the epoch as a Double (nanosecond precision is lost).
    public var timeIntervalSince1970: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Parses `seconds[.fraction]` with at most 9 fraction digits, as chronyc prints it.
    public init?(_ text: Substring) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = CSVRecord.parseUnsigned(parts[0], radix: 10, as: UInt64.self),
              whole <= UInt64(Int64.max) else { return nil }
        var nanos: UInt32 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...9).contains(fraction.utf8.count),
                  let digits = CSVRecord.parseUnsigned(fraction, radix: 10, as: UInt32.self) else { return nil }
            nanos = digits
            for _ in fraction.utf8.count..<9 { nanos *= 10 }
        }
        self.init(seconds: Int64(whole), nanoseconds: nanos)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Decimal keeps the number's digits exactly, where Double would round the nanoseconds.
        let value = try container.decode(Decimal.self)
        guard let parsed = Timestamp(Substring(value.description)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected non-negative seconds since the epoch with at most 9 decimals, got \(value)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Decimal(sign: .plus, exponent: -9, significand: Decimal(seconds) * 1_000_000_000 + Decimal(nanoseconds)))
    }
}
