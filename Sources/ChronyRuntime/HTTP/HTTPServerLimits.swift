import NIOCore
import NIOHTTP1
import Synchronization

/// What the endpoint server tolerates from a client. The defaults hold with `HEALTH_LISTEN`
/// opened to a network: a slowloris or a silent connection is closed within seconds, an idle
/// keep-alive connection within half a minute, and no more than `maxConnections` are open at
/// once — the oldest is closed to make room for a new one, so a liveness probe is answered
/// even while someone holds every slot.
public struct HTTPServerLimits: Sendable {
    /// From a request's first byte to its last (head and body).
    public var requestTimeout: TimeAmount
    /// With no request in progress: after connecting, and between keep-alive requests.
    public var idleTimeout: TimeAmount
    /// Connections open at once.
    public var maxConnections: Int

    public init(requestTimeout: TimeAmount = .seconds(5), idleTimeout: TimeAmount = .seconds(30), maxConnections: Int = 64) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// Closes a connection whose request takes longer than `timeout` to arrive. Sits in front of
/// the HTTP codec and sees bytes only: the first byte read with no deadline armed arms it;
/// `RequestCompletionHandler`, behind the codec, disarms it when NIO's parser has seen the
/// request's end, so the time to answer is never counted against the client. A slowloris
/// re-arms the deadline with its next byte and is closed when it fires. NIO's
/// `IdleStateHandler`, also in the pipeline, closes connections that send nothing at all.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline == nil {
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
        context.fireChannelRead(data)
    }

    /// The request whose bytes armed the deadline is complete.
    func requestEnded() {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Nothing read for the idle timeout: no request in progress (or one abandoned
        // mid-way); either way the connection is done.
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestEnded()
        context.fireChannelInactive()
    }
}

/// Behind the HTTP codec: tells the `RequestDeadlineHandler` when a request is complete.
/// Both live on the connection's event loop.
final class RequestCompletionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let deadline: RequestDeadlineHandler

    init(deadline: RequestDeadlineHandler) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { deadline.requestEnded() }
        context.fireChannelRead(data)
    }
}

/// The server's open connections in the order they were accepted; at the cap, the oldest
/// are closed to make room.
final class ConnectionRegistry: Sendable {
    private let open = Mutex<[ObjectIdentifier: (order: UInt64, channel: any Channel)]>([:])
    private let counter = Atomic<UInt64>(0)
    let maxConnections: Int

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// Connections open now.
    var count: Int { open.withLock { $0.count } }

    /// Registers `channel` (removed again when it closes) and closes the oldest connections
    /// beyond the cap.
    func admit(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let order = counter.add(1, ordering: .relaxed).newValue
        let evicted: [any Channel] = open.withLock { open in
            open[id] = (order, channel)
            guard open.count > maxConnections else { return [] }
            let oldest = open.sorted { $0.value.order < $1.value.order }.prefix(open.count - maxConnections)
            for (key, _) in oldest { open[key] = nil }
            return oldest.map { $0.value.channel }
        }
        for channel in evicted { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { [self] _ in
            _ = open.withLock { $0.removeValue(forKey: id) }
        }
    }
}
