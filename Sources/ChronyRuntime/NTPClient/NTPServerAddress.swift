import ChronyKit
/// A resolved UDP address of an NTP server (IPv4 or IPv6), from `getaddrinfo`.
public struct NTPServerAddress: Sendable, Hashable {
    /// AF_INET or AF_INET6.
    public let family: Int32
    /// The numeric address, e.g. `127.0.0.1`, `::1`.
    public let numericHost: String
    public let port: UInt16
    /// The raw `sockaddr_in` / `sockaddr_in6` bytes.
    let sockaddrBytes: [UInt8]

    /// Every address of `host` (a name or an IPv4/IPv6 literal) for UDP on `port`, in
    /// getaddrinfo's order (RFC 6724 preference). Throws `.resolution` when there is none.
    public static func resolve(host: String, port: UInt16) throws(NTPClientError) -> [NTPServerAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_UDP)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        var status = getaddrinfo(host, String(port), &hints, &list)
        if status != 0 {
            // AI_ADDRCONFIG (no IPv6 answers on an IPv4-only host, as in many containers) also
            // hides loopback literals on a host with no other address: ask again without it.
            hints.ai_flags = 0
            status = getaddrinfo(host, String(port), &hints, &list)
        }
        guard status == 0, let first = list else {
            throw .resolution(host: host, detail: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [NTPServerAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            guard let address = entry.pointee.ai_addr,
                  entry.pointee.ai_family == AF_INET || entry.pointee.ai_family == AF_INET6 else { continue }
            let length = Int(entry.pointee.ai_addrlen)
            let bytes = [UInt8](UnsafeRawBufferPointer(start: address, count: length))
            var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(address, entry.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let numeric = String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let candidate = NTPServerAddress(family: entry.pointee.ai_family, numericHost: numeric, port: port, sockaddrBytes: bytes)
            if !addresses.contains(candidate) { addresses.append(candidate) }
        }
        guard !addresses.isEmpty else { throw .resolution(host: host, detail: "no IPv4 or IPv6 address") }
        return addresses
    }
}
