#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A host an NTP source line may name: a DNS name (RFC 1123), an IPv4 or an IPv6 address.
public enum NTPHost: Sendable, Equatable, CustomStringConvertible {
    case name(String)
    case ipv4(String)
    case ipv6(String)

    /// Parses a host without port; nil when it is none of the three forms.
    /// Brackets around IPv6 are accepted and removed.
    public static func parse(_ text: String) -> NTPHost? {
        if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = String(text.dropFirst().dropLast())
            return IPAddress.isIPv6(inner) ? .ipv6(inner) : nil
        }
        if IPAddress.isIPv4(text) { return .ipv4(text) }
        if IPAddress.isIPv6(text) { return .ipv6(text) }
        if text.allSatisfy({ $0.isNumber || $0 == "." }) { return nil }  // "300.1.1.1", "1.2.3"
        return HostName.isValid(text) ? .name(text) : nil
    }

    /// The host as chrony.conf writes it (IPv6 without brackets).
    public var description: String {
        switch self {
        case .name(let s), .ipv4(let s), .ipv6(let s): return s
        }
    }
}

/// RFC 1123 host names: dot-separated labels of letters, digits and hyphens, 1..63
/// characters each, not starting or ending with a hyphen, 253 characters in all; one
/// trailing dot (a fully qualified name) is allowed.
public enum HostName {
    public static func isValid(_ name: String) -> Bool {
        var text = Substring(name)
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count),
                label.first != "-", label.last != "-",
                label.utf8.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }

    private static func isLetterOrDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }
}

/// Textual IP address checks through the C library's own parser (inet_pton).
public enum IPAddress {
    public static func isIPv4(_ text: String) -> Bool {
        var addr = in_addr()
        return text.withCString { inet_pton(AF_INET, $0, &addr) } == 1
    }

    public static func isIPv6(_ text: String) -> Bool {
        var addr = in6_addr()
        return text.withCString { inet_pton(AF_INET6, $0, &addr) } == 1
    }
}

/// One NTP source: a host and an optional port (`host`, `host:port`, `[v6]:port`).
public struct NTPSource: Sendable, Equatable, CustomStringConvertible {
    public let host: NTPHost
    public let port: UInt16?

    public init(host: NTPHost, port: UInt16? = nil) {
        self.host = host
        self.port = port
    }

    /// Parses `host[:port]`; a bare IPv6 address (several colons, no brackets) has no port.
    public static func parse(_ text: String) -> NTPSource? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let hostPart = String(text[...close])
            let rest = text[text.index(after: close)...]
            guard let host = NTPHost.parse(hostPart) else { return nil }
            if rest.isEmpty { return NTPSource(host: host) }
            guard rest.hasPrefix(":"), let port = Port.parse(String(rest.dropFirst())) else { return nil }
            return NTPSource(host: host, port: port)
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") {
            guard let host = NTPHost.parse(String(text[..<colon])),
                let port = Port.parse(String(text[text.index(after: colon)...]))
            else { return nil }
            if case .ipv6 = host { return nil }
            return NTPSource(host: host, port: port)
        }
        guard let host = NTPHost.parse(text) else { return nil }
        return NTPSource(host: host)
    }

    public var description: String {
        guard let port else { return host.description }
        if case .ipv6(let a) = host { return "[\(a)]:\(port)" }
        return "\(host):\(port)"
    }
}

/// UDP port numbers 1..65535 written as plain decimal digits.
public enum Port {
    public static func parse(_ text: String) -> UInt16? {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = UInt16(text), value > 0
        else { return nil }
        return value
    }
}

/// A network chrony's `allow` takes: an address with an optional prefix length.
public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    public let address: String
    public let prefixLength: Int?

    /// Parses `a.b.c.d[/n]` (n 0..32) or `ipv6[/n]` (n 0..128).
    public static func parse(_ text: String) -> CIDR? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = String(parts[0])
        let maxPrefix: Int
        if IPAddress.isIPv4(address) {
            maxPrefix = 32
        } else if IPAddress.isIPv6(address) {
            maxPrefix = 128
        } else {
            return nil
        }
        guard parts.count == 2 else { return CIDR(address: address, prefixLength: nil) }
        let prefix = String(parts[1])
        guard !prefix.isEmpty, prefix.utf8.count <= 3, prefix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let length = Int(prefix), length <= maxPrefix
        else { return nil }
        return CIDR(address: address, prefixLength: length)
    }

    public var description: String {
        prefixLength.map { "\(address)/\($0)" } ?? address
    }
}
