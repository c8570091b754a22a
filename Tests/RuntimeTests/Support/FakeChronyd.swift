import ChronyKit
import ChronyRuntime
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A stand-in for chronyd's process, in-process, for the supervisor's lifecycle tests: the
/// decisions (restart, backoff, grace, give-up, reload, kill when silent) are what is under
/// test there, and the real-process tests (Run*Tests) prove the wiring to a real chronyd.
/// Each launch gets a fake pid; a signal is recorded and answered by `onSignal` (an exit,
/// or nil: it keeps running); `onLaunch` may end a chronyd at once.
final class FakeChronyd: ChronydLaunching {
    private struct Books {
        var launched: [pid_t] = []
        var signals: [Sent] = []
        var waiting: [pid_t: CheckedContinuation<ChildExit, Never>] = [:]
        var ended: [pid_t: ChildExit] = [:]
    }

    private let books = Mutex(Books())
    private let onLaunch: @Sendable (Int) -> ChildExit?
    private let onSignal: @Sendable (Int32) -> ChildExit?

    /// - Parameters:
    ///   - onLaunch: given the launch's number (1 first), how that chronyd ends at once (nil: it runs).
    ///   - onSignal: how a running chronyd answers a signal (nil: ignores it). Default: SIGKILL
    ///     kills, SIGTERM/SIGINT/SIGQUIT end it with 0 (chronyd's clean exit).
    init(onLaunch: @escaping @Sendable (Int) -> ChildExit? = { _ in nil },
         onSignal: @escaping @Sendable (Int32) -> ChildExit? = FakeChronyd.chronydLike) {
        self.onLaunch = onLaunch
        self.onSignal = onSignal
    }

    /// chronyd 4.3: SIGKILL kills; SIGTERM, SIGINT, SIGQUIT and SIGHUP end it cleanly; others
    /// (no handler) kill it.
    static let chronydLike: @Sendable (Int32) -> ChildExit? = { signal in
        switch signal {
        case SIGTERM, SIGINT, SIGQUIT, SIGHUP: return .exited(0)
        case 0: return nil
        default: return .signaled(signal)
        }
    }

    var description: String { "fake chronyd" }
    var launched: [pid_t] { books.withLock { $0.launched } }
    /// A signal sent to a chronyd.
    struct Sent: Sendable {
        let pid: pid_t
        let signal: Int32
    }

    var signals: [Sent] { books.withLock { $0.signals } }

    func launch() throws -> StartedChronyd {
        let (pid, number) = books.withLock { b -> (pid_t, Int) in
            let pid = pid_t(100_000 + b.launched.count)
            b.launched.append(pid)
            return (pid, b.launched.count)
        }
        if let exit = onLaunch(number) { end(pid, exit) }
        return StartedChronyd(pid: pid) { [self] in
            await withCheckedContinuation { continuation in
                let done = books.withLock { b -> ChildExit? in
                    if let exit = b.ended[pid] { return exit }
                    b.waiting[pid] = continuation
                    return nil
                }
                if let done { continuation.resume(returning: done) }
            }
        }
    }

    func signal(_ signal: Int32, to pid: pid_t) -> Int32 {
        let running = books.withLock { b -> Bool in
            b.signals.append(Sent(pid: pid, signal: signal))
            return b.ended[pid] == nil
        }
        if running, let exit = onSignal(signal) { end(pid, exit) }
        return 0
    }

    /// Ends chronyd `pid` with `exit` (once).
    func end(_ pid: pid_t, _ exit: ChildExit) {
        let waiter = books.withLock { b -> CheckedContinuation<ChildExit, Never>? in
            guard b.ended[pid] == nil else { return nil }
            b.ended[pid] = exit
            return b.waiting.removeValue(forKey: pid)
        }
        waiter?.resume(returning: exit)
    }
}

/// An observer whose answer the test decides: chronyd answers (with no reports) while
/// `answers()` is true, else it is silent (as a chronyc that timed out).
final class FakeObserver: ChronydObserving {
    let answers: @Sendable () -> Bool

    init(answers: @escaping @Sendable () -> Bool = { true }) {
        self.answers = answers
    }

    func observe() async -> ChronydReading {
        answers()
            ? ChronydReading(observation: Observation(processAlive: true, answers: true), reports: ReportSet())
            : ChronydReading(observation: .silent, failure: "chronyc: timed out")
    }
}
