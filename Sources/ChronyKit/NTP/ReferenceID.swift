/// The reference ID of an NTP packet (RFC 5905 §7.3): at stratum 0 a kiss code, at stratum 1
/// a four-character code naming the reference clock, above that the IPv4 address of the
/// server's upstream (or the first four bytes of the MD5 hash of its IPv6 address).
public struct ReferenceID: Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The ID spelled by up to four ASCII characters (padded with NULs), e.g. "RATE", "GPS".
    public init(code: String) {
        var value: UInt32 = 0
        let bytes = Array(code.utf8.prefix(4))
        for index in 0..<4 {
            value = value << 8 | UInt32(index < bytes.count ? bytes[index] : 0)
        }
        rawValue = value
    }

    /// The four bytes in wire order.
    public var bytes: [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: rawValue >> $0) }
    }

    /// The ASCII code when the bytes are printable ASCII (letters, digits, punctuation, space)
    /// followed only by NUL padding, with trailing spaces removed; nil otherwise.
    public var asciiCode: String? {
        var characters: [UInt8] = []
        var ended = false
        for byte in bytes {
            if byte == 0 { ended = true; continue }
            guard !ended, (0x20...0x7E).contains(byte) else { return nil }
            characters.append(byte)
        }
        while characters.last == 0x20 { characters.removeLast() }
        return characters.isEmpty ? nil : String(decoding: characters, as: UTF8.self)
    }

    /// Dotted-quad form, e.g. `127.127.1.1`.
    public var dottedQuad: String {
        bytes.map(String.init).joined(separator: ".")
    }

    /// How a person reads the ID at `stratum`: the ASCII code at stratum 0 and 1 when it is
    /// one, else the dotted quad (chrony's own local reference `7F7F0101` is `127.127.1.1`).
    public func display(stratum: UInt8) -> String {
        if stratum <= 1, let code = asciiCode { return code }
        return dottedQuad
    }

    /// `%08X`, as chronyc prints reference IDs.
    public var hex: String {
        let digits = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
