/// Reference IDs in the status JSON: 8 uppercase hex digits (`"7F000001"`), as chronyc prints
/// them.
extension ReferenceID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard text.utf8.count == 8, let value = UInt32(text, radix: 16) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 8 hexadecimal digits, got \(text)")
        }
        self.init(rawValue: value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
