import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the endpoints see it: method and path (query string removed).
public struct EndpointRequest: Sendable {
    public let method: HTTPMethod
    public let path: String

    public init(method: HTTPMethod, path: String) {
        self.method = method
        self.path = path
    }
}

/// A complete response: status, content type and body.
public struct EndpointResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: String

    public init(status: HTTPResponseStatus, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// A small HTTP/1.1 server on SwiftNIO (NIO's own HTTP codec, keep-alive) that hands each
/// request to `respond`. Used by `run` for /healthz, /readyz, /status and /metrics.
///
/// Hostile clients are bounded by `HTTPServerLimits` (request and idle timeouts, a cap on
/// connections); a malformed request gets NIO's 400 and the connection is closed; a client
/// that half-closes after sending its request (`shutdown(SHUT_WR)`, `nc -N`) is answered.
public struct HTTPEndpointServer: Sendable {
    public typealias Responder = @Sendable (EndpointRequest) async -> EndpointResponse

    let host: String
    let port: Int
    let respond: Responder
    let logger: Logger
    let limits: HTTPServerLimits
    let connections: ConnectionRegistry

    public init(host: String, port: Int, logger: Logger, limits: HTTPServerLimits = HTTPServerLimits(),
                respond: @escaping Responder) {
        self.host = host
        self.port = port
        self.logger = logger
        self.limits = limits
        self.respond = respond
        self.connections = ConnectionRegistry(maxConnections: limits.maxConnections)
    }

    /// Connections open now (for tests and the soak).
    public var openConnections: Int { connections.count }

    /// Binds and serves until the surrounding task is cancelled. Calls `onBound` with the
    /// bound port (useful with port 0).
    public func run(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A request followed by shutdown(SHUT_WR) is complete: read it and answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: host, port: port) { [limits, connections] channel in
                channel.eventLoop.makeCompletedFuture {
                    connections.admit(channel)
                    return try Self.connectionPipeline(channel, limits: limits)
                }
            }
        onBound(server.channel.localAddress?.port ?? port)
        logger.info("HTTP endpoints listening", metadata: ["address": "\(host):\(server.channel.localAddress?.port ?? port)"])
        try await withThrowingDiscardingTaskGroup { group in
            try await withTaskCancellationHandler {
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection) }
                    }
                }
            } onCancel: {
                server.channel.close(promise: nil)
            }
        }
    }

    /// One accepted connection's handlers, in front of `serve`: the deadlines, then NIO's
    /// HTTP codec with its error handling (a malformed request gets 400 and the connection
    /// closes). Called on the channel's event loop; the fuzz target drives the same pipeline
    /// over an in-memory channel.
    package static func connectionPipeline(_ channel: any Channel, limits: HTTPServerLimits) throws
        -> NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart> {
        let deadline = RequestDeadlineHandler(timeout: limits.requestTimeout)
        try channel.pipeline.syncOperations.addHandlers([IdleStateHandler(readTimeout: limits.idleTimeout), deadline])
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        try channel.pipeline.syncOperations.addHandler(RequestCompletionHandler(deadline: deadline))
        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
    }

    /// Answers the requests of one connection until the client is done or a request asks to
    /// close.
    package func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let requestHead = head else { continue }
                        let path = String(requestHead.uri.split(separator: "?", maxSplits: 1).first ?? "/")
                        let response = await respond(EndpointRequest(method: requestHead.method, path: path))
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.utf8.count))
                        headers.add(name: "Cache-Control", value: "no-store")
                        let keepAlive = requestHead.isKeepAlive
                        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
                        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: response.status, headers: headers)))
                        if requestHead.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: response.body))))
                        }
                        try await outbound.write(.end(nil))
                        if !keepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            logger.debug("HTTP connection ended", metadata: ["error": "\(error)"])
        }
    }
}
