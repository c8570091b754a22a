/// Catches the signals `run` forwards to chronyd and hands them, in order, to one consumer.
///
/// The signals are blocked in the calling thread (threads created afterwards inherit the
/// mask) and get a real handler, not the default: a PID 1 never receives a signal whose
/// disposition is the default one, and a thread that existed before and does not block them
/// runs the handler instead of dying. The handler writes to a self-pipe; one thread, the
/// only one that unblocks the signals, reads the pipe and yields each signal to `signals`.
/// Children start with a clean mask and default dispositions (`Spawner` resets both).
public final class SignalRelay: Sendable {
    /// Forwarded to chronyd: the signals tini forwards.
    public static let relayed: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    /// Each caught signal, in arrival order.
    public let signals: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation
    private let readEnd: Int32

    private init(readEnd: Int32) {
        self.readEnd = readEnd
        (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
    }

    /// Blocks and catches the relayed signals and ignores SIGPIPE. Call first thing in `run`,
    /// before any thread is started. Signals that arrive before `start()` wait in the pipe.
    public static func install() -> SignalRelay {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in relayed { sigaddset(&mask, signal) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)

        guard let readEnd = SignalPipe.install(relayed, nonBlockingRead: false) else {
            fatalError("pipe for signals: \(String(cString: strerror(errno)))")
        }
        signal(SIGPIPE, SIG_IGN)
        return SignalRelay(readEnd: readEnd)
    }

    /// Starts the thread that receives the signals and yields them to `signals`.
    public func start() {
        BlockingWork.start { [self] in receive() }
    }

    private func receive() {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in Self.relayed { sigaddset(&mask, signal) }
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        var byte: UInt8 = 0
        while let count = try? systemCall("read", { read(readEnd, &byte, 1) }), count == 1 {
            continuation.yield(Int32(byte))
        }
    }
}
