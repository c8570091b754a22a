import NIOCore
import NIOEmbedded
import NIOHTTP1
/// A one-shot HTTP GET to a local endpoint with a blocking socket and a hard timeout, for
/// `chronyvisor health` (run every few seconds by Docker, so it must start nothing it does
/// not need: no event loop threads). Requests are encoded and responses decoded by NIO's own
/// HTTP codec, driven through an EmbeddedChannel.
public enum LoopbackHTTPClient {
    /// A response: status code and body.
    public struct Response: Sendable {
        public let status: Int
        public let body: String
    }

    /// GETs `path` from host:port (an IPv4 or IPv6 literal) within `timeoutMilliseconds`.
    public static func get(host: String, port: Int, path: String, timeoutMilliseconds: Int32 = 2000) throws(LoopbackHTTPError) -> Response {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
        } catch {
            throw .protocolError("\(error)")
        }
        let socket = try connect(host: host, port: port, timeoutMilliseconds: timeoutMilliseconds)
        defer { close(socket) }

        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        headers.add(name: "Connection", value: "close")
        do {
            try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
            while var bytes = try channel.readOutbound(as: ByteBuffer.self) {
                let data = bytes.readBytes(length: bytes.readableBytes) ?? []
                try sendAll(socket, data)
            }
        } catch let error as LoopbackHTTPError {
            throw error
        } catch {
            throw .protocolError("\(error)")
        }

        var status: Int?
        var body = ByteBuffer()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready: Int32
            do { ready = try systemCall("poll") { poll(&fd, 1, timeoutMilliseconds) } } catch { throw .io(error.errno) }
            if ready == 0 { throw .timedOut }
            let n: Int
            do { n = try systemCall("recv") { recv(socket, &buffer, buffer.count, 0) } } catch { throw .io(error.errno) }
            do {
                if n == 0 {
                    channel.pipeline.syncOperations.fireChannelInactive()
                } else {
                    try channel.writeInbound(ByteBuffer(bytes: buffer[0..<n]))
                }
                while let part = try channel.readInbound(as: HTTPClientResponsePart.self) {
                    switch part {
                    case .head(let head): status = Int(head.status.code)
                    case .body(var chunk): body.writeBuffer(&chunk)
                    case .end:
                        guard let status else { throw LoopbackHTTPError.protocolError("response without a status line") }
                        return Response(status: status, body: String(buffer: body))
                    }
                }
            } catch let error as LoopbackHTTPError {
                throw error
            } catch {
                throw .protocolError("\(error)")
            }
            if n == 0 { throw .protocolError("connection closed before the response ended") }
        }
    }

    private static func connect(host: String, port: Int, timeoutMilliseconds: Int32) throws(LoopbackHTTPError) -> Int32 {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if host.withCString({ inet_pton(AF_INET, $0, &v4.sin_addr) }) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeBytes(of: v4) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        } else if host.withCString({ inet_pton(AF_INET6, $0, &v6.sin6_addr) }) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeBytes(of: v6) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            throw .badAddress(host)
        }
        let socket = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard socket >= 0 else { throw .io(errno) }
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, length) }
        }
        if result != 0 {
            guard errno == EINPROGRESS else { let e = errno; close(socket); throw e == ECONNREFUSED ? .refused : .io(e) }
            var fd = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&fd, 1, timeoutMilliseconds)
            if ready == 0 { close(socket); throw .timedOut }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size)
            if error != 0 { close(socket); throw error == ECONNREFUSED ? .refused : .io(error) }
        }
        return socket
    }

    private static func sendAll(_ socket: Int32, _ bytes: [UInt8]) throws(LoopbackHTTPError) {
        var sent = 0
        while sent < bytes.count {
            let remaining = Array(bytes[sent...])
            do {
                sent += try systemCall("send") { send(socket, remaining, remaining.count, Int32(MSG_NOSIGNAL)) }
            } catch {
                guard error.errno == EAGAIN else { throw .io(error.errno) }
                var fd = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
                _ = try? systemCall("poll", { poll(&fd, 1, 1000) })
            }
        }
    }
}

/// Why a loopback HTTP request failed.
public enum LoopbackHTTPError: Error, Sendable, CustomStringConvertible, Equatable {
    case refused
    case timedOut
    case badAddress(String)
    case io(Int32)
    case protocolError(String)

    public var description: String {
        switch self {
        case .refused: return "connection refused"
        case .timedOut: return "timed out"
        case .badAddress(let host): return "\(host) is not an IP address"
        case .io(let code): return String(cString: strerror(code))
        case .protocolError(let why): return "bad HTTP response: \(why)"
        }
    }
}
