/// The write end of the self-pipe the signal handler writes to (set once, before the handler).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The one signal handler: async-signal-safe, it only writes the signal's number to the
/// self-pipe (non-blocking: a full pipe drops the byte instead of hanging) and keeps errno.
private let pipeSignalHandler: @convention(c) (Int32) -> Void = { signal in
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = savedErrno
}

/// The self-pipe trick, shared by `run` (`SignalRelay`) and `probe` (`StopSignals`): the
/// given signals get a real handler that writes their number to a pipe, whose read end a
/// thread or a `poll` loop then reads. One per process.
enum SignalPipe {
    /// Routes `signals` to a new pipe and returns its read end (close-on-exec; non-blocking
    /// when `nonBlockingRead`), or nil when no pipe could be made.
    static func install(_ signals: [Int32], nonBlockingRead: Bool) -> Int32? {
        guard let fds = ChildReaper.shared.makePipe() else { return nil }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        if nonBlockingRead { _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) }
        signalPipeWriteEnd = fds[1]
        for signal in signals {
            var action = sigaction()
            #if canImport(Musl)
            action.__sa_handler.sa_handler = pipeSignalHandler
            #else
            action.__sigaction_handler.sa_handler = pipeSignalHandler
            #endif
            action.sa_flags = SA_RESTART
            sigfillset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        return fds[0]
    }
}
