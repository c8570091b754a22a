#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The write end of the self-pipe, for the signal handler (set once, before the handler).
nonisolated(unsafe) private var stopSignalPipe: Int32 = -1

/// SIGINT and SIGTERM turned into a readable file descriptor (the self-pipe trick), so a
/// blocking loop can `poll` for "stop" together with its sockets and timers, and finish its
/// work — print a summary, choose an exit status — instead of dying mid-line. The handler
/// only `write`s one byte (async-signal-safe); it runs on whichever thread the kernel picks.
/// One per process; installing replaces the default action of both signals for good.
public final class StopSignals: Sendable {
    /// Readable once a stop signal has arrived (and stays readable).
    public let fileDescriptor: Int32

    private init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Installs the handlers. Returns nil if no pipe could be made.
    public static func install() -> StopSignals? {
        guard let fds = ChildReaper.shared.makePipe() else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        stopSignalPipe = fds[1]
        let handler: @convention(c) (Int32) -> Void = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(stopSignalPipe, &byte, 1)
        }
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handler
            #else
            action.__sa_handler.sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        return StopSignals(fileDescriptor: fds[0])
    }

    /// True once a stop signal has arrived (does not consume it).
    public var received: Bool {
        var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Sleeps `nanoseconds` on the monotonic clock or until a stop signal; true when stopped.
    public func sleep(nanoseconds: Int64, clock: any ExchangeClock = SystemExchangeClock()) -> Bool {
        let deadline = clock.monotonicNanoseconds() + nanoseconds
        while true {
            let remaining = deadline - clock.monotonicNanoseconds()
            if remaining <= 0 { return received }
            var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: (remaining + 999_999) / 1_000_000))
            if ready > 0 { return true }
        }
    }
}
