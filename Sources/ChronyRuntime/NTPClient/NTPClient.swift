import ChronyKit
/// An SNTP client (RFC 4330; RFC 5905 client mode) for one server: one request, one reply.
///
/// Each exchange uses a fresh connected UDP socket (a fresh source port, so a late reply to
/// an earlier request never reaches a later one; the kernel drops datagrams from any other
/// address). The request's transmit timestamp is a random 64-bit nonce, not our clock, and
/// the reply must echo it (`NTPReplyCheck`). T1 is CLOCK_REALTIME just before `send`; T4 is T1
/// plus the CLOCK_MONOTONIC time to just after `recv` (less the wake-up latency the kernel's
/// arrival timestamp shows), so a step of the system clock during the exchange cannot
/// corrupt the offset or delay (`ExchangeClockReadings`).
public struct NTPClient: Sendable {
    public let server: NTPServerAddress
    public let timeout: Duration
    private let clock: any ExchangeClock
    /// Whether T4 is corrected by the kernel's arrival timestamp (off only for an injected
    /// clock, whose real time is not the kernel's).
    private let useKernelTimestamps: Bool

    public init(server: NTPServerAddress, timeout: Duration = .seconds(1), clock: any ExchangeClock = SystemExchangeClock()) {
        self.server = server
        self.timeout = timeout
        self.clock = clock
        useKernelTimestamps = clock is SystemExchangeClock
    }

    /// Asks `host` for the time once and returns the sample, or throws why there is none
    /// (unresolvable host, no answer, a refusal). Blocks a thread of its own, not the
    /// caller's, for at most `timeout` after name resolution.
    public static func query(host: String, port: UInt16 = 123, timeout: Duration = .seconds(1)) async throws(NTPClientError) -> NTPSample {
        let result: Result<NTPSample, NTPClientError> = await BlockingWork.run {
            Result { () throws(NTPClientError) -> NTPSample in try querySynchronously(host: host, port: port, timeout: timeout) }
        }
        return try result.get()
    }

    /// `query` on the calling thread.
    public static func querySynchronously(host: String, port: UInt16 = 123, timeout: Duration = .seconds(1)) throws(NTPClientError) -> NTPSample {
        let addresses = try NTPServerAddress.resolve(host: host, port: port)
        let outcome = try NTPClient(server: addresses[0], timeout: timeout).exchange()
        switch outcome.result {
        case .sample(let sample): return sample
        case .refused(let refusal, _): throw .refused(refusal)
        case .noAnswer(let reason): throw .noAnswer(reason, dropped: outcome.dropped)
        }
    }

    /// One exchange. Waits up to `timeout` for a reply that passes `NTPReplyCheck`, dropping
    /// (and listing) any other datagram meanwhile; returns early with `.interrupted` when
    /// `stop` (a file descriptor, e.g. `StopSignals`) becomes readable. Throws only when a
    /// socket call fails for a local reason; "unreachable" from the network is an outcome.
    public func exchange(stop: Int32? = nil) throws(NTPClientError) -> NTPExchangeOutcome {
        let fd = socket(server.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_UDP))
        guard fd >= 0 else { throw .socket(operation: "socket", errno: errno) }
        defer { close(fd) }
        KernelReceiveTimestamp.enable(on: fd)
        let connected = server.sockaddrBytes.withUnsafeBytes { raw in
            connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if connected != 0 {
            let code = errno
            if Self.isUnreachable(code) { return NTPExchangeOutcome(.noAnswer(.unreachable(Self.message(code)))) }
            throw .socket(operation: "connect to \(server.numericHost) port \(server.port)", errno: code)
        }

        let nonce = NTPTimestamp(rawValue: UInt64.random(in: 1...UInt64.max))
        let request = NTPPacket.clientRequest(nonce: nonce).encoded()
        var sendMonotonic: Int64 = 0
        var sendRealtime = UnixTime(seconds: 0)
        let sent = request.withUnsafeBytes { bytes in
            // Read the clocks as the very last thing before the system call.
            sendMonotonic = clock.monotonicNanoseconds()
            sendRealtime = clock.realtime()
            return send(fd, bytes.baseAddress, bytes.count, 0)
        }
        if sent < 0 {
            let code = errno
            if Self.isUnreachable(code) { return NTPExchangeOutcome(.noAnswer(.unreachable(Self.message(code)))) }
            throw .socket(operation: "send to \(server.numericHost) port \(server.port)", errno: code)
        }

        let timeoutNanoseconds = timeout.wholeMicroseconds * 1000
        let deadline = sendMonotonic + timeoutNanoseconds
        var dropped: [NTPDropReason] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let remaining = deadline - clock.monotonicNanoseconds()
            if remaining <= 0 {
                return NTPExchangeOutcome(.noAnswer(.timedOut(seconds: Double(timeoutNanoseconds) / 1e9)), dropped: dropped)
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if let stop { fds.append(pollfd(fd: stop, events: Int16(POLLIN), revents: 0)) }
            do {
                _ = try systemCall("poll") { poll(&fds, nfds_t(fds.count), Int32(clamping: (remaining + 999_999) / 1_000_000)) }
            } catch {
                throw .socket(operation: "poll", errno: error.errno)
            }
            if fds[0].revents != 0 {
                let (count, arrival) = KernelReceiveTimestamp.receive(fd, into: &buffer)
                let receiveMonotonic = clock.monotonicNanoseconds()
                let receiveRealtime = clock.realtime()
                if count < 0 {
                    let code = errno
                    if code == EINTR || code == EAGAIN || code == EWOULDBLOCK { continue }
                    if Self.isUnreachable(code) {
                        return NTPExchangeOutcome(.noAnswer(.unreachable(Self.message(code))), dropped: dropped)
                    }
                    throw .socket(operation: "recv from \(server.numericHost) port \(server.port)", errno: code)
                }
                switch NTPReplyCheck.check(Array(buffer[0..<count]), nonce: nonce) {
                case .dropped(let reason):
                    dropped.append(reason)
                case .refused(let refusal, let packet):
                    return NTPExchangeOutcome(.refused(refusal, packet), dropped: dropped)
                case .accepted(let packet):
                    let clocks = ExchangeClockReadings(sendRealtime: sendRealtime, sendMonotonic: sendMonotonic,
                                                       receiveMonotonic: receiveMonotonic, receiveRealtime: receiveRealtime,
                                                       kernelArrival: useKernelTimestamps ? arrival : nil)
                    return NTPExchangeOutcome(.sample(NTPSample(reply: packet, clocks: clocks)), dropped: dropped)
                }
                continue
            }
            if fds.count > 1 && fds[1].revents != 0 {
                return NTPExchangeOutcome(.noAnswer(.interrupted), dropped: dropped)
            }
        }
    }

    private static func isUnreachable(_ code: Int32) -> Bool {
        [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN].contains(code)
    }

    private static func message(_ code: Int32) -> String {
        code == ECONNREFUSED ? "port unreachable (nothing listens there)" : String(cString: strerror(code))
    }
}
