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
        SignalPipe.install([SIGINT, SIGTERM], nonBlockingRead: true).map(StopSignals.init(fileDescriptor:))
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
