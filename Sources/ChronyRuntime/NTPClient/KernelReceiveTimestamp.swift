import ChronyKit
/// Receiving a datagram together with the kernel's CLOCK_REALTIME timestamp of its arrival
/// (`SO_TIMESTAMPNS`), which excludes the time our thread took to wake up — the largest and
/// most variable part of a loopback round trip. Linux on 64-bit only (where the option is
/// 35 and carries a 64-bit `timespec`); elsewhere, or when the kernel gives no timestamp,
/// the datagram comes without one and the client falls back to its own reading.
enum KernelReceiveTimestamp {
    #if os(Linux) && (arch(x86_64) || arch(arm64))
    /// SO_TIMESTAMPNS_OLD = SCM_TIMESTAMPNS on 64-bit Linux (asm-generic/socket.h).
    private static let option: Int32 = 35
    #else
    private static let option: Int32 = -1
    #endif

    /// Asks the kernel to timestamp datagrams arriving on `fd`; false if unsupported.
    @discardableResult
    static func enable(on fd: Int32) -> Bool {
        guard option >= 0 else { return false }
        var on: Int32 = 1
        return setsockopt(fd, SOL_SOCKET, option, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// `recvmsg` into `buffer`: the byte count (or −1 with errno set) and the kernel's
    /// arrival time when it sent one.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> (count: Int, arrival: UnixTime?) {
        var control = [UInt64](repeating: 0, count: 16)  // 128 bytes, 8-aligned
        var controlLength = 0
        let count: Int = buffer.withUnsafeMutableBytes { data in
            control.withUnsafeMutableBytes { controlBuffer in
                var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBuffer.baseAddress
                    message.msg_controllen = numericCast(controlBuffer.count)
                    let received = recvmsg(fd, &message, Int32(MSG_DONTWAIT))
                    controlLength = Int(message.msg_controllen)
                    return received
                }
            }
        }
        guard count >= 0, option >= 0 else { return (count, nil) }
        return (count, arrival(in: control, length: controlLength))
    }

    /// Walks the control messages (struct cmsghdr: size_t len, int level, int type, then
    /// data at the next 8-byte boundary) for SCM_TIMESTAMPNS.
    private static func arrival(in control: [UInt64], length: Int) -> UnixTime? {
        control.withUnsafeBytes { raw -> UnixTime? in
            let limit = min(length, raw.count)
            var offset = 0
            while offset + 16 <= limit {
                let messageLength = Int(raw.load(fromByteOffset: offset, as: UInt64.self))
                let level = raw.load(fromByteOffset: offset + 8, as: Int32.self)
                let type = raw.load(fromByteOffset: offset + 12, as: Int32.self)
                guard messageLength >= 16 else { return nil }
                if level == SOL_SOCKET, type == option, messageLength >= 32, offset + 32 <= limit {
                    let seconds = raw.load(fromByteOffset: offset + 16, as: Int64.self)
                    let nanoseconds = raw.load(fromByteOffset: offset + 24, as: Int64.self)
                    return UnixTime(seconds: seconds, nanoseconds: nanoseconds)
                }
                offset += (messageLength + 7) & ~7
            }
            return nil
        }
    }
}
