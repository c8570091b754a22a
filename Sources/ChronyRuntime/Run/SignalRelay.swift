/// Catches the signals `run` acts on and hands them, in order, to one consumer.
///
/// The signals are blocked in the calling thread (threads created afterwards inherit the
/// mask) and get a real handler, not the default: a PID 1 never receives a signal whose
/// disposition is the default one, and a thread that existed before and does not block them
/// runs the handler instead of dying. The handler writes to a self-pipe; one thread, the
/// only one that unblocks the signals, reads the pipe and yields each signal to `signals`.
/// Children start with a clean mask and default dispositions (`Spawner` resets both).
public final class SignalRelay: Sendable {
    /// Caught: the signals tini forwards. What each means is `meaning(of:)`.
    public static let relayed: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    /// What a caught signal asks of `run`.
    public enum Meaning: Sendable, Equatable {
        /// Stop chronyd with the same signal and exit 0 (SIGTERM, SIGINT, SIGQUIT: chronyd
        /// 4.3–4.8 ends cleanly on each).
        case stop
        /// Render the configuration again and restart chronyd with it (SIGHUP: chronyd itself
        /// would exit on it; it has no reload).
        case reload
        /// Not forwarded (SIGUSR1, SIGUSR2): chronyd installs no handler, so they would kill it.
        case notForwarded
    }

    /// What `signal` asks of `run`.
    public static func meaning(of signal: Int32) -> Meaning {
        switch signal {
        case SIGTERM, SIGINT, SIGQUIT: return .stop
        case SIGHUP: return .reload
        default: return .notForwarded
        }
    }

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
