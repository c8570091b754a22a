import Foundation
import Synchronization

/// A systemd notify socket for tests: a Unix datagram socket bound to a path or to an
/// abstract name (`@name` in NOTIFY_SOCKET); a thread collects every datagram received.
final class NotifyListener: Sendable {
    /// The value for NOTIFY_SOCKET.
    let address: String
    private let fd: Int32
    private let received = Mutex<[String]>([])

    init(abstract: Bool, directory: URL) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        let name = abstract ? "chronyvisor-test-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            : directory.appendingPathComponent("notify.sock").path
        address = abstract ? "@" + name : name
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(name.utf8)
        let offset = abstract ? 1 : 0  // abstract: sun_path[0] == 0, then the name
        withUnsafeMutableBytes(of: &addr.sun_path) { path in
            for (i, b) in bytes.enumerated() { path[offset + i] = b }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + offset + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno)!) }
        let thread = Thread { [self] in receive() }
        thread.start()
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            let message = String(decoding: buffer[0..<n], as: UTF8.self)
            received.withLock { $0.append(message) }
        }
    }

    /// Every datagram so far, in order of arrival.
    var messages: [String] { received.withLock { $0 } }

    /// Every `KEY=value` line so far, in order.
    var lines: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }
}
