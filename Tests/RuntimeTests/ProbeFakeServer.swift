import ChronyKit
import ChronyRuntime
import Foundation
import Synchronization

/// A test-only NTP server: a UDP socket on 127.0.0.1 that answers every request with the
/// datagrams `respond` returns (none, one or several) — so a test can send exactly the bad
/// replies a real server would not: a wrong origin, a wrong mode, a short packet, a
/// kiss-of-death, leap 3. (chronyd 4.3 cannot be made to send those; this is the one mock.)
final class FakeNTPServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)
    private let served = Atomic<Int>(0)
    private let respond: @Sendable (_ request: NTPPacket) -> [[UInt8]]
    private let finished = DispatchSemaphore(value: 0)

    /// Requests received so far.
    var requests: Int { served.load(ordering: .relaxed) }

    init(respond: @escaping @Sendable (_ request: NTPPacket) -> [[UInt8]]) throws {
        self.respond = respond
        port = TestPorts.next()
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw TimedOut(what: "fake NTP server could bind 127.0.0.1:\(port)") }
        let thread = Thread { [self] in serve() }
        thread.name = "fake-ntp-\(port)"
        thread.start()
    }

    private func serve() {
        defer { finished.signal() }
        var buffer = [UInt8](repeating: 0, count: 2048)
        while !stopped.load(ordering: .relaxed) {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
            }
            guard count > 0, let request = try? NTPPacket(decoding: Array(buffer[0..<count])) else { continue }
            served.add(1, ordering: .relaxed)
            for reply in respond(request) {
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, reply, reply.count, 0, $0, length) }
                }
            }
        }
    }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        finished.wait()
        close(fd)
    }

    deinit { stop() }

    /// A correct reply to `request` from a stratum-2 server on this machine's clock.
    static func goodReply(to request: NTPPacket) -> NTPPacket {
        let now = NTPTimestamp(SystemExchangeClock().realtime())
        return NTPPacket(mode: .server, stratum: 2, poll: 6, precision: -20,
                         rootDelay: NTPShortFormat(seconds: 0.0625), rootDispersion: NTPShortFormat(seconds: 0.001),
                         referenceID: ReferenceID(rawValue: 0xC000_0201), referenceTime: now,
                         originTime: request.transmitTime, receiveTime: now, transmitTime: now)
    }

    /// A good reply with `change` applied, encoded.
    static func reply(to request: NTPPacket, _ change: (inout NTPPacket) -> Void) -> [UInt8] {
        var packet = goodReply(to: request)
        change(&packet)
        return packet.encoded()
    }
}

extension NTPClient {
    /// A client of 127.0.0.1:`port`.
    static func loopback(port: UInt16, timeout: Duration = .milliseconds(300), clock: any ExchangeClock = SystemExchangeClock()) throws -> NTPClient {
        let address = try NTPServerAddress.resolve(host: "127.0.0.1", port: port)[0]
        return NTPClient(server: address, timeout: timeout, clock: clock)
    }
}
