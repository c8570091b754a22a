#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ChronyKit

/// A load run could not be set up; the message names what failed.
struct LoadRunError: Error, CustomStringConvertible {
    var description: String
}

/// Many SNTP clients at once: `clients` UDP sockets, each bound to one of the source
/// addresses (distinct addresses give chronyd distinct per-client state, as distinct hosts
/// would) on its own ephemeral port and connected to the target. Requests go out round-robin
/// over the sockets at the schedule's rate; replies are matched to their request by the
/// transmit timestamp, which carries a per-run salt and the request's index, and checked
/// with the same rules as `chronyvisor probe` (`NTPReplyCheck`).
///
/// One thread, non-blocking sockets, one poll(2) set: the generator's own cost is a few
/// microseconds per request, which bounds the highest rate it can offer on a busy machine
/// (send errors and a falling achieved rate say when it is the limit, not the server).
struct UDPLoadRun {
    var target: IPv4Endpoint
    var sources: [IPv4Endpoint]
    var clients: Int
    var schedule: LoadSchedule
    /// How long to wait for replies after the last request, in nanoseconds.
    var replyTimeout: UInt64

    func run() throws(LoadRunError) -> LoadRunResult {
        let sockets = try openSockets()
        defer { sockets.forEach { close($0) } }
        var watched = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }

        let total = schedule.total
        let salt = UInt32.random(in: 1...UInt32.max)
        var request = NTPPacket.clientRequest(nonce: NTPTimestamp(rawValue: 0)).encoded()
        var sentAt = [UInt64](repeating: 0, count: total)
        var seen = [Bool](repeating: false, count: total)
        var tally = LoadTally()
        tally.latencies.reserveCapacity(total)
        var buffer = [UInt8](repeating: 0, count: 512)

        let start = monotonicNanoseconds()
        var next = 0
        var lastSend = start
        while true {
            let now = monotonicNanoseconds()
            let due = schedule.due(atNanoseconds: now - start)
            var burst = 0
            while next < due, burst < 512 {
                let nonce = (UInt64(salt) << 32) | UInt64(next)
                withUnsafeBytes(of: nonce.bigEndian) { bytes in
                    for offset in 0..<8 { request[40 + offset] = bytes[offset] }
                }
                let stamp = monotonicNanoseconds()
                if send(sockets[next % sockets.count], request, request.count, 0) == request.count {
                    sentAt[next] = stamp
                    tally.sent += 1
                } else {
                    tally.sendErrors += 1
                }
                lastSend = stamp
                next += 1
                burst += 1
            }
            let finishedSending = next >= total
            if finishedSending, tally.answered + tally.refused >= tally.sent { break }
            let after = monotonicNanoseconds()
            if finishedSending, after >= lastSend + replyTimeout { break }
            let waitNanoseconds: UInt64
            if finishedSending {
                waitNanoseconds = lastSend + replyTimeout - after
            } else {
                let nextDue = start + schedule.dueTime(ofRequest: next)
                waitNanoseconds = nextDue > after ? nextDue - after : 0
            }
            let ready = poll(&watched, nfds_t(watched.count), Int32(min(waitNanoseconds / 1_000_000, 1000)))
            guard ready > 0 else { continue }
            for slot in watched.indices where watched[slot].revents & Int16(POLLIN) != 0 {
                while true {
                    let count = recv(watched[slot].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                    if count < 0 { break }
                    let received = monotonicNanoseconds()
                    classify(Array(buffer[0..<count]), at: received, salt: salt, sentAt: sentAt, seen: &seen,
                             limit: next, into: &tally)
                }
            }
        }
        // Sending took longer than scheduled when the generator could not keep up: the rate it
        // really offered is then lower than asked, and the caller must not credit the server.
        let scheduled = Double(schedule.dueTime(ofRequest: max(total - 1, 0))) / 1e9
        let actual = Double(lastSend - start) / 1e9
        return LoadRunResult(tally: tally, scheduledSeconds: max(scheduled, 1e-9), sendSeconds: max(actual, 1e-9))
    }

    /// Counts one received datagram: matched to its request by the salt and index in the
    /// origin timestamp, then judged by `NTPReplyCheck`.
    private func classify(_ datagram: [UInt8], at received: UInt64, salt: UInt32, sentAt: [UInt64],
                          seen: inout [Bool], limit: Int, into tally: inout LoadTally) {
        guard datagram.count >= NTPPacket.headerSize else { tally.invalid += 1; return }
        var origin: UInt64 = 0
        for offset in 24..<32 { origin = origin << 8 | UInt64(datagram[offset]) }
        let index = Int(origin & 0xFFFF_FFFF)
        guard origin >> 32 == UInt64(salt), index < limit else { tally.invalid += 1; return }
        switch NTPReplyCheck.check(datagram, nonce: NTPTimestamp(rawValue: origin)) {
        case .dropped:
            tally.invalid += 1
        case .refused:
            if seen[index] { tally.duplicates += 1; return }
            seen[index] = true
            tally.refused += 1
        case .accepted:
            if seen[index] { tally.duplicates += 1; return }
            seen[index] = true
            tally.answered += 1
            tally.latencies.append(received &- sentAt[index])
        }
    }

    private func openSockets() throws(LoadRunError) -> [Int32] {
        var sockets: [Int32] = []
        for index in 0..<clients {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                sockets.forEach { close($0) }
                throw LoadRunError(description: "cannot open UDP socket \(index + 1) of \(clients): \(errnoText())")
            }
            sockets.append(fd)
            // Replies are read between bursts of sends: a receive buffer above the default
            // rmem_max (SO_RCVBUFFORCE, as root) keeps a burst of replies from being dropped
            // here and blamed on the server.
            var size: Int32 = 1 << 21
            if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            }
            if !sources.isEmpty {
                let source = sources[index % sources.count]
                guard source.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
                    sockets.forEach { close($0) }
                    throw LoadRunError(description: "cannot bind a client socket to \(source): \(errnoText())")
                }
            }
            guard target.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
                sockets.forEach { close($0) }
                throw LoadRunError(description: "cannot reach \(target): \(errnoText())")
            }
        }
        return sockets
    }
}

/// A finished run: the tally, and how long sending was scheduled to take and really took.
struct LoadRunResult: Sendable {
    var tally: LoadTally
    var scheduledSeconds: Double
    var sendSeconds: Double
}

/// An IPv4 address and UDP port, parsed from `A.B.C.D:PORT` or `A.B.C.D` (port 0).
struct IPv4Endpoint: Sendable, CustomStringConvertible {
    var address: in_addr
    var port: UInt16
    var text: String

    init?(_ text: String, defaultPort: UInt16 = 0) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first else { return nil }
        var parsed = in_addr()
        guard inet_pton(AF_INET, String(host), &parsed) == 1 else { return nil }
        if parts.count == 2 {
            guard let port = UInt16(parts[1]), port > 0 else { return nil }
            self.port = port
        } else {
            port = defaultPort
        }
        address = parsed
        self.text = text
    }

    /// The endpoint `offset` addresses after this one (same port): 127.0.3.1 + 2 = 127.0.3.3.
    func advanced(by offset: UInt32) -> IPv4Endpoint {
        var copy = self
        copy.address.s_addr = (UInt32(bigEndian: address.s_addr) &+ offset).bigEndian
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        var raw = copy.address
        inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
        copy.text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return copy
    }

    var description: String { text }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = port.bigEndian
        storage.sin_addr = address
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The current errno as text.
func errnoText() -> String {
    String(cString: strerror(errno))
}
