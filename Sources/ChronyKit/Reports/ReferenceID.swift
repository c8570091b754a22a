/// An NTP reference ID (32 bits): an IPv4 address, a hash of an IPv6 address or four ASCII
/// characters. Printed and encoded as chronyc does, 8 uppercase hex digits (`7F000001`).
public struct ReferenceID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// `%08X`.
    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard text.utf8.count == 8, let value = UInt32(text, radix: 16) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 8 hexadecimal digits, got \(text)")
        }
        rawValue = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
