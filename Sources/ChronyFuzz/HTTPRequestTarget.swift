import ChronyKit
import ChronyRuntime
import Dispatch
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Synchronization

/// Raw bytes from a client of HEALTH_LISTEN through the endpoint server's own connection
/// pipeline (`HTTPEndpointServer.connectionPipeline` and `serve`, over NIO's in-memory
/// channel) and the real responder (`HealthEndpoints`); the client then half-closes.
enum HTTPRequestTarget {
    static let target = FuzzTarget(
        name: "http-request",
        summary: "raw bytes to the HTTP endpoint server: well-formed responses (NIO's client decoder reads them), one per request in order with its status and length, then only NIO's 400s; only the server's own headers",
        dictionary: ["GET ", "HEAD ", "POST ", "OPTIONS ", "CONNECT ", " HTTP/1.1\r\n", " HTTP/1.0\r\n", "\r\n", "\r\n\r\n",
                     "Host: localhost\r\n", "Connection: close\r\n", "Connection: keep-alive\r\n", "Content-Length: ",
                     "Transfer-Encoding: chunked\r\n", "Expect: 100-continue\r\n", "Upgrade: h2c\r\n", "/healthz", "/readyz",
                     "/livez", "/status", "/metrics", "/", "?x=1", "0\r\n\r\n", ":", " "],
        seeds: { _ in
            ["GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
             "HEAD /readyz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /status?x=1 HTTP/1.1\r\n\r\n",
             "GET /metrics HTTP/1.0\r\n\r\n",
             "POST /readyz HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
             "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
             "GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
             "GET / HTTP/1.1\r\n\r\nBAD REQUEST\r\n\r\n",
             "GET /livez HTTP/1.1\r\nHost: a\r\nHost: b\r\nX: " + String(repeating: "y", count: 100) + "\r\n\r\n"]
                .map { Array($0.utf8) }
        },
        run: { bytes throws(FuzzFailure) in try check(bytes) })

    static let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
    static let endpoints = HealthEndpoints(listen: ListenAddress(host: "127.0.0.1", port: 0), role: .gateway,
                                           readiness: Readiness(degradedIsReady: false), metrics: ChronyMetrics(), logger: logger)
    static let snapshot = SupervisorSnapshot()
    /// The headers the server writes; NIO's error handler adds none other.
    static let ownHeaders: Set<String> = ["content-type", "content-length", "cache-control", "connection"]

    static func check(_ bytes: [UInt8]) throws(FuzzFailure) {
        let name = "http-request"
        let seen = Mutex<[EndpointRequest]>([])
        let server = HTTPEndpointServer(host: "127.0.0.1", port: 0, logger: logger) { request in
            seen.withLock { $0.append(request) }
            return endpoints.respond(to: request, snapshot: snapshot)
        }
        let exchanged = blocking { () async -> Result<[UInt8], FuzzFailure> in
            do {
                return .success(try await exchange(bytes, server: server))
            } catch {
                return .failure(FuzzFailure(name, "the in-memory connection failed: \(error)"))
            }
        }
        let output = try exchanged.get()
        let requests = seen.withLock { $0 }
        try require(!(bytes.isEmpty && !output.isEmpty), name, "answered an empty connection")

        var heads: [(head: HTTPResponseHead, body: Int)]
        do {
            heads = try responses(output, answering: requests)
        } catch {
            // NIO answers bytes after a `Connection: close` request with its 400, after the
            // response that closes: a stray response the client ignores, left as NIO does it.
            guard output.count >= nio400.count, Array(output.suffix(nio400.count)) == nio400,
                  var closed = try? responses(Array(output.dropLast(nio400.count)), answering: requests),
                  closed.last?.head.headers["connection"].contains("close") == true else {
                throw FuzzFailure(name, "responses do not parse (\(error)):\n\(String(decoding: output, as: UTF8.self))")
            }
            closed.append((HTTPResponseHead(version: .http1_1, status: .badRequest, headers: ["connection": "close"]), 0))
            heads = closed
        }
        let shown = String(decoding: output, as: UTF8.self)

        for (index, (head, body)) in heads.enumerated() {
            let names = Set(head.headers.map { $0.name.lowercased() })
            try require(names.isSubset(of: ownHeaders), name, "response headers \(names.sorted())")
            if index < requests.count {
                let request = requests[index]
                let expected = endpoints.respond(to: request, snapshot: snapshot)
                try require(head.status == expected.status, name, "\(request.method) \(request.path) answered \(head.status), expected \(expected.status)")
                // NIO's encoder drops Content-Length from any response to CONNECT (a 2xx opens
                // a tunnel): the 405 is delimited by the connection's end. Left as NIO does it.
                if request.method == .CONNECT { continue }
                let length = head.headers["content-length"].first.flatMap { Int($0) }
                try require(length == expected.body.utf8.count, name, "content-length \(String(describing: length)) for a \(expected.body.utf8.count)-byte body:\n\(shown)")
                try require(body == (request.method == .HEAD ? 0 : expected.body.utf8.count), name, "\(body) body bytes for \(request.method)")
            } else {
                // NIO's 400 for bytes it cannot parse; twice when the client half-closes right
                // after them (the end of input is a second parse error). Left as NIO does it.
                try require(head.status == .badRequest && head.headers["connection"].contains("close") && body == 0, name,
                            "a response no request asked for: \(head.status) \(head.headers):\n\(shown)")
            }
        }
    }

    /// NIO's answer to a request it cannot parse (HTTPServerProtocolErrorHandler).
    static let nio400 = Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8)

    /// The responses in `output`, read as a client that sent the requests the server saw
    /// (plus one, for NIO's 400) would: NIO's decoder needs each request's method (HEAD has
    /// no body). Throws when the output is not a sequence of whole responses.
    static func responses(_ output: [UInt8], answering requests: [EndpointRequest]) throws -> [(head: HTTPResponseHead, body: Int)] {
        let client = EmbeddedChannel(handler: ByteToMessageHandler(HTTPResponseDecoder()))
        for request in requests + [EndpointRequest(method: .GET, path: "/")] {
            // A CONNECT refused has a body, which the decoder would take for a tunnel.
            let method: HTTPMethod = request.method == .CONNECT ? .OPTIONS : request.method
            try client.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: "/")))
        }
        try client.writeInbound(ByteBuffer(bytes: output))
        var heads: [(head: HTTPResponseHead, body: Int)] = []
        while let part = try client.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let head): heads.append((head, 0))
            case .body(let buffer): heads[heads.count - 1].body += buffer.readableBytes
            case .end: break
            }
        }
        _ = try client.finish()
        return heads
    }

    /// Writes `bytes` into a new connection, half-closes it and collects what the server wrote
    /// until it closed.
    static func exchange(_ bytes: [UInt8], server: HTTPEndpointServer) async throws -> [UInt8] {
        let channel = NIOAsyncTestingChannel()
        let connection = try await channel.testingEventLoop.executeInContext {
            try HTTPEndpointServer.connectionPipeline(channel, limits: HTTPServerLimits())
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        async let served: Void = server.serve(connection)
        // A malformed request is answered and the connection closed inside this write; the
        // error NIO then raises is not the client's concern.
        _ = try? await channel.writeInbound(ByteBuffer(bytes: bytes))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        await served
        var output: [UInt8] = []
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) { output += buffer.readableBytesView }
        return output
    }

    /// Runs `body` to its end from synchronous code (libFuzzer calls the target synchronously).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }
}
