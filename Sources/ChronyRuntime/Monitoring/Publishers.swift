import ChronyKit
import Logging
import Synchronization

/// The log: one line per change of state, with chronyc's error when the poll got no answer.
public struct StateChangeLog: PollPublisher {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func publish(_ poll: PublishedPoll) {
        let outcome = poll.outcome
        guard outcome.announcement != .none, outcome.stateChanged else { return }
        var metadata: Logger.Metadata = ["from": "\(outcome.previous.rawValue)", "to": "\(outcome.state.rawValue)",
                                         "status": "\(outcome.summary)"]
        if let failure = poll.failure { metadata["chronyc"] = "\(failure)" }
        logger.info("state changed", metadata: metadata)
    }
}

/// systemd: READY=1 with STATUS= once readiness is first reached (logged with whether it
/// reached anyone), STATUS= whenever the summary changes.
public struct SystemdPublisher: PollPublisher {
    let notifier: SystemdNotifier
    /// READY_WHEN, for the log line.
    let readyWhen: ReadyCondition
    let logger: Logger

    public init(notifier: SystemdNotifier, readyWhen: ReadyCondition, logger: Logger) {
        self.notifier = notifier
        self.readyWhen = readyWhen
        self.logger = logger
    }

    public func publish(_ poll: PublishedPoll) {
        let outcome = poll.outcome
        switch outcome.announcement {
        case .none:
            return
        case .status:
            notifier.status(outcome.summary)
        case .ready:
            let sent = notifier.ready(status: outcome.summary)
            let notified = sent ? "READY=1 sent" : notifier.isEnabled ? "failed: NOTIFY_SOCKET does not accept" : "no NOTIFY_SOCKET"
            logger.log(level: sent || !notifier.isEnabled ? .info : .warning, "ready", metadata: [
                "ready_when": "\(readyWhen.rawValue)", "notify": "\(notified)",
                "verdict": "\(outcome.verdict.state.rawValue)"])
        }
    }
}

/// The verdict file `chronyvisor health` reads: written after every poll (not while
/// stopping), so that its age shows the poll loop is alive (stale after a poll interval plus
/// the watchdog's margin). A failing write is logged once per run of failures.
public final class VerdictFilePublisher: PollPublisher {
    let file: VerdictFile
    let staleAfter: Duration
    let logger: Logger
    /// Whether the last write failed.
    private let failing = Atomic(false)

    public init(file: VerdictFile, staleAfter: Duration, logger: Logger) {
        self.file = file
        self.staleAfter = staleAfter
        self.logger = logger
    }

    public func publish(_ poll: PublishedPoll) {
        guard poll.outcome.recordsVerdict else { return }
        let record = VerdictRecord(
            pid: getpid(), writtenAt: SystemExchangeClock().monotonicNanoseconds(),
            staleAfter: staleAfter.wholeMicroseconds * 1000,
            verdict: poll.outcome.verdict, ready: poll.outcome.ready)
        do {
            try file.write(record)
            if failing.exchange(false, ordering: .relaxed) {
                logger.info("verdict file written again", metadata: ["path": "\(file.path)"])
            }
        } catch {
            if !failing.exchange(true, ordering: .relaxed) {
                logger.warning("cannot write the verdict file: `chronyvisor health` asks HEALTH_LISTEN instead",
                               metadata: ["path": "\(file.path)", "error": "\(error)"])
            }
        }
    }
}

/// Runs `action` once, when READY=1 is first announced (`run` gives back its start-up pages
/// there: `ExecutablePages`).
public final class OnceWhenReady: PollPublisher {
    let action: @Sendable () -> Void
    private let done = Atomic(false)

    public init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
    }

    public func publish(_ poll: PublishedPoll) {
        guard poll.outcome.announcement == .ready, !done.exchange(true, ordering: .relaxed) else { return }
        action()
    }
}
