import ChronyRuntime
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

/// The endpoint server against hostile clients over real loopback TCP: slowloris, silent
/// connections, malformed requests, half-close, more connections than the cap. Short limits
/// keep the suite fast; `RunHTTPAbuseTests` checks the defaults in `run` itself. In process,
/// the server accepts on the cooperative pool, which the blocking tests of a full run can
/// hold for minutes: the waits are long on purpose (as in HTTPEndpointServerTests).
@Suite struct HTTPAbuseTests {
    static let limits = HTTPServerLimits(requestTimeout: .seconds(2), idleTimeout: .seconds(3), maxConnections: 8)

    /// A server answering "ok <path>" with `limits`; its port, the server and its task.
    static func start(_ limits: HTTPServerLimits = limits) async throws -> (Int, HTTPEndpointServer, Task<Void, any Error>) {
        let bound = Mutex<Int?>(nil)
        let server = HTTPEndpointServer(host: "127.0.0.1", port: 0, logger: Logger(label: "test"), limits: limits) { request in
            EndpointResponse(status: .ok, contentType: "text/plain", body: "ok \(request.path)\n")
        }
        let task = Task { try await server.run { port in bound.withLock { $0 = port } } }
        try await waitUntilAsync(timeout: 120, "the server is bound") { bound.withLock { $0 } != nil }
        return (bound.withLock { $0 }!, server, task)
    }

    @Test func aClientThatHalfClosesAfterItsRequestIsAnswered() async throws {
        let (port, _, task) = try await Self.start()
        defer { task.cancel() }
        let reply = try await offPool {
            let connection = try RawTCPConnection(port: port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            connection.halfClose()
            return connection.readUntilClosed(timeout: 180)
        }
        #expect(reply.text.hasPrefix("HTTP/1.1 200 OK"), "\(reply.text)")
        #expect(reply.text.hasSuffix("ok /healthz\n"))
        #expect(reply.closed)
    }

    @Test func aSlowlorisIsClosedAtTheRequestTimeout() async throws {
        let (port, _, task) = try await Self.start()
        defer { task.cancel() }
        let (closed, seconds) = try await offPool {
            let connection = try RawTCPConnection(port: port)
            let start = Date()
            connection.send("GET /metrics HTTP/1.1\r\n")
            // One header byte every 200 ms: never idle, never complete.
            while Date().timeIntervalSince(start) < 180 {
                if !connection.send("X") { return (true, Date().timeIntervalSince(start)) }
                var entry = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                if poll(&entry, 1, 200) > 0 {
                    var byte: UInt8 = 0
                    if recv(connection.fd, &byte, 1, 0) <= 0 { return (true, Date().timeIntervalSince(start)) }
                }
            }
            return (false, 180.0)
        }
        #expect(closed, "a slowloris connection was held open for three minutes")
        #expect(seconds >= 1.5, "closed after \(seconds) s, before the request timeout")
    }

    @Test func aSilentConnectionIsClosedAtTheIdleTimeout() async throws {
        let (port, _, task) = try await Self.start()
        defer { task.cancel() }
        let (reply, seconds) = try await offPool {
            let connection = try RawTCPConnection(port: port)
            let start = Date()
            let reply = connection.readUntilClosed(timeout: 180)
            return (reply, Date().timeIntervalSince(start))
        }
        #expect(reply.closed, "a silent connection was held open for three minutes")
        #expect(reply.text.isEmpty)
        #expect(seconds >= 2.5, "closed after \(seconds) s, before the idle timeout")
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterItsAnswer() async throws {
        let (port, _, task) = try await Self.start()
        defer { task.cancel() }
        let reply = try await offPool {
            let connection = try RawTCPConnection(port: port)
            connection.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection.readUntilClosed(timeout: 180)
        }
        #expect(reply.text.hasPrefix("HTTP/1.1 200 OK") && reply.text.contains("Connection: keep-alive"), "\(reply.text)")
        #expect(reply.closed, "an idle keep-alive connection was held open for three minutes")
    }

    /// Malformed requests of many kinds: each gets NIO's 400 or is closed; none crashes the
    /// server, which answers a good request afterwards.
    @Test func malformedRequestsAreRefusedAndTheServerKeepsAnswering() async throws {
        let (port, _, task) = try await Self.start()
        defer { task.cancel() }
        let malformed: [[UInt8]] = [
            Array("GARBAGE\r\n\r\n".utf8),
            Array("GET\r\n\r\n".utf8),
            Array("GET / HTTP/9.9\r\n\r\n".utf8),
            Array("GET / HTTP/1.1\r\nHost x\r\n\r\n".utf8),
            Array("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n".utf8),
            Array("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".utf8),
            Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8),
            Array("GET / HTTP/1.1\r\nX: \(String(repeating: "a", count: 200_000))\r\n\r\n".utf8),
            [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03],  // a TLS ClientHello
            [UInt8](repeating: 0, count: 4096),
            Array("GET /\u{1B}[2J HTTP/1.1\r\n\r\n".utf8),
        ]
        for bytes in malformed {
            let reply = try await offPool {
                let connection = try RawTCPConnection(port: port)
                connection.send(bytes)
                connection.halfClose()
                return connection.readUntilClosed(timeout: 180)
            }
            #expect(reply.closed, "held open after \(bytes.prefix(20))")
            #expect(reply.text.isEmpty || reply.text.hasPrefix("HTTP/1.1 400") || reply.text.hasPrefix("HTTP/1.1 200")
                    || reply.text.hasPrefix("HTTP/1.0 400"), "\(reply.text.prefix(100))")
        }
        let good = try await offPool { try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/healthz", timeoutMilliseconds: 60_000) }
        #expect(good.status == 200)
    }

    /// Held connections up to and beyond the cap: the oldest are closed, the number open
    /// never exceeds the cap, and a probe is answered.
    @Test func atTheConnectionCapTheOldestMakeRoomAndHealthzAnswers() async throws {
        let (port, server, task) = try await Self.start()
        defer { task.cancel() }
        let held = try (0..<(Self.limits.maxConnections * 2)).map { _ in try RawTCPConnection(port: port) }
        try await waitUntilAsync(timeout: 180, "the server accepted every connection") {
            // The first half were evicted by the second.
            held.prefix(Self.limits.maxConnections).allSatisfy { connection in
                var entry = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                return poll(&entry, 1, 0) > 0
            }
        }
        #expect(server.openConnections <= Self.limits.maxConnections)
        let probe = try await offPool { try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/healthz", timeoutMilliseconds: 60_000) }
        #expect(probe.status == 200)
        #expect(probe.body == "ok /healthz\n")
        #expect(server.openConnections <= Self.limits.maxConnections)
    }
}
